"use client";
import { LogoutOutlined, MenuOutlined } from "@ant-design/icons";
import { Avatar, Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Tag, Typography } from "antd";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import { LocaleSwitch } from "./LocaleSwitch";
import type { GroupKey } from "@/server/i18n/messages";
import { NAV_ICONS } from "./navIcons";
import type { NavItem } from "./pages";

type Props = { user: { name: string; number: string; roles: string[] }; nav: NavItem[]; children: ReactNode };

export function AppShell({ user, nav, children }: Props) {
  const t = useTranslations("nav");
  const tc = useTranslations("common");
  const tAll = useTranslations();
  const pathname = usePathname();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.lg;
  const [open, setOpen] = useState(false);
  const selected = nav.filter((n) => pathname === n.href || pathname.startsWith(`${n.href}/`)).map((n) => n.key);
  // The entries in the table's order (app/_components/pages.ts), a divider between groups.
  const items = nav.flatMap((n, i) => [
    ...(i > 0 && nav[i - 1]?.group !== n.group ? [{ type: "divider" as const, key: `divider-${n.group}` }] : []),
    { key: n.key, icon: NAV_ICONS[n.icon], label: <Link href={n.href}>{tAll(n.label)}</Link> },
  ]);

  const menu = <Menu mode="inline" selectedKeys={selected} onClick={() => setOpen(false)} items={items} style={{ borderInlineEnd: 0 }} />;

  return (
    <Layout style={{ minHeight: "100vh" }}>
      {!mobile && (
        <Layout.Sider width={220} theme="light" style={{ borderRight: "1px solid #e5e7eb" }}>
          <div style={{ padding: "18px 20px", fontWeight: 600, fontSize: 16, color: "#1d4e89" }}>{tc("appName")}</div>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header
          style={{
            background: "#fff",
            padding: mobile ? "0 8px" : "0 24px",
            display: "flex",
            alignItems: "center",
            justifyContent: "space-between",
            borderBottom: "1px solid #e5e7eb",
            position: "sticky",
            top: 0,
            zIndex: 10,
            height: 56,
            lineHeight: "56px",
          }}
        >
          <Space>
            {mobile && <Button type="text" aria-label={t("menu")} icon={<MenuOutlined />} onClick={() => setOpen(true)} />}
            {mobile && (
              <Typography.Text strong style={{ color: "#1d4e89" }}>
                {tc("appShort")}
              </Typography.Text>
            )}
          </Space>
          <Space size={mobile ? 0 : "middle"}>
            <LocaleSwitch />
            <Dropdown
              trigger={["click"]}
              menu={{
                items: [
                  {
                    key: "who",
                    disabled: true,
                    label: (
                      <div>
                        <div>
                          {user.name}（{user.number}）
                        </div>
                        <div style={{ marginTop: 4 }}>
                          {user.roles.map((r) => (
                            <Tag key={r}>{tc(`roles.${r as GroupKey<"common.roles">}`)}</Tag>
                          ))}
                        </div>
                      </div>
                    ),
                  },
                  { type: "divider" },
                  { key: "out", icon: <LogoutOutlined />, label: tc("signOut"), onClick: () => void signOut({ callbackUrl: "/signin" }) },
                ],
              }}
            >
              <Button type="text" data-testid="user-menu">
                <Space>
                  <Avatar size="small" style={{ background: "#1d4e89" }}>
                    {user.name.slice(-2)}
                  </Avatar>
                  {!mobile && user.name}
                </Space>
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: mobile ? 12 : 24 }}>{children}</Layout.Content>
      </Layout>
      <Drawer
        open={mobile && open}
        onClose={() => setOpen(false)}
        placement="left"
        size={260}
        title={tc("appName")}
        styles={{ body: { padding: 0 } }}
      >
        {menu}
      </Drawer>
    </Layout>
  );
}
