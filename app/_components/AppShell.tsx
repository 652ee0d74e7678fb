"use client";
import {
  AimOutlined, ApartmentOutlined, BarChartOutlined, BookOutlined, CloudUploadOutlined, FormOutlined, HomeOutlined, LogoutOutlined, MenuOutlined,
  ReadOutlined, ScheduleOutlined, SlidersOutlined, TeamOutlined, TrophyOutlined, UnorderedListOutlined,
} from "@ant-design/icons";
import { Avatar, Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Tag, Typography } from "antd";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import { LocaleSwitch } from "./LocaleSwitch";
import type { GroupKey, MessageKey } from "@/server/i18n/messages";

export type NavKey = "home" | "units" | "programmes" | "courses" | "sections" | "people" | "import" | "instruments" | "campaigns"
  | "results" | "policies" | "appraisal" | "myAppraisal" | "attainment";

// label: a message key outside the "nav" namespace, when the entry's title lives with its pages.
const NAV: Record<NavKey, { href: string; icon: ReactNode; label?: MessageKey }> = {
  home: { href: "/home", icon: <HomeOutlined /> },
  units: { href: "/admin/units", icon: <ApartmentOutlined /> },
  programmes: { href: "/admin/programmes", icon: <ReadOutlined /> },
  courses: { href: "/admin/courses", icon: <BookOutlined /> },
  sections: { href: "/admin/sections", icon: <UnorderedListOutlined /> },
  people: { href: "/admin/people", icon: <TeamOutlined /> },
  import: { href: "/admin/import", icon: <CloudUploadOutlined /> },
  instruments: { href: "/admin/instruments", icon: <FormOutlined />, label: "instruments.title" },
  campaigns: { href: "/admin/campaigns", icon: <ScheduleOutlined /> },
  results: { href: "/admin/results", icon: <BarChartOutlined /> },
  policies: { href: "/admin/policies", icon: <SlidersOutlined /> },
  appraisal: { href: "/admin/appraisal", icon: <TrophyOutlined />, label: "appraisal.page.title" },
  myAppraisal: { href: "/self/appraisal", icon: <TrophyOutlined />, label: "appraisal.page.mineTitle" },
  attainment: { href: "/attainment", icon: <AimOutlined /> },
};

type Props = { user: { name: string; number: string; roles: string[] }; nav: NavKey[]; children: ReactNode };

export function AppShell({ user, nav, children }: Props) {
  const t = useTranslations("nav");
  const tc = useTranslations("common");
  const tAll = useTranslations();
  const pathname = usePathname();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.lg;
  const [open, setOpen] = useState(false);
  const selected = nav.filter((k) => pathname === NAV[k].href || pathname.startsWith(`${NAV[k].href}/`));

  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selected}
      onClick={() => setOpen(false)}
      items={nav.map((k) => ({ key: k, icon: NAV[k].icon, label: <Link href={NAV[k].href}>{NAV[k].label ? tAll(NAV[k].label) : t(k as GroupKey<"nav">)}</Link> }))}
      style={{ borderInlineEnd: 0 }}
    />
  );

  return (
    <Layout style={{ minHeight: "100vh" }}>
      {!mobile && (
        <Layout.Sider width={220} theme="light" style={{ borderRight: "1px solid #e5e7eb" }}>
          <div style={{ padding: "18px 20px", fontWeight: 600, fontSize: 16, color: "#1d4e89" }}>{tc("appName")}</div>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header style={{ background: "#fff", padding: mobile ? "0 8px" : "0 24px", display: "flex", alignItems: "center",
          justifyContent: "space-between", borderBottom: "1px solid #e5e7eb", position: "sticky", top: 0, zIndex: 10, height: 56, lineHeight: "56px" }}>
          <Space>
            {mobile && <Button type="text" aria-label={t("menu")} icon={<MenuOutlined />} onClick={() => setOpen(true)} />}
            {mobile && <Typography.Text strong style={{ color: "#1d4e89" }}>{tc("appShort")}</Typography.Text>}
          </Space>
          <Space size={mobile ? 0 : "middle"}>
            <LocaleSwitch />
            <Dropdown
              trigger={["click"]}
              menu={{
                items: [
                  { key: "who", disabled: true, label: <div><div>{user.name}（{user.number}）</div>
                    <div style={{ marginTop: 4 }}>{user.roles.map((r) => <Tag key={r}>{tc(`roles.${r as GroupKey<"common.roles">}`)}</Tag>)}</div></div> },
                  { type: "divider" },
                  { key: "out", icon: <LogoutOutlined />, label: tc("signOut"), onClick: () => void signOut({ callbackUrl: "/signin" }) },
                ],
              }}
            >
              <Button type="text" data-testid="user-menu">
                <Space><Avatar size="small" style={{ background: "#1d4e89" }}>{user.name.slice(-2)}</Avatar>{!mobile && user.name}</Space>
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: mobile ? 12 : 24 }}>{children}</Layout.Content>
      </Layout>
      <Drawer open={mobile && open} onClose={() => setOpen(false)} placement="left" size={260} title={tc("appName")}
        styles={{ body: { padding: 0 } }}>
        {menu}
      </Drawer>
    </Layout>
  );
}
