"use client";
import { useMutation } from "@tanstack/react-query";
import { Alert, App, Button, Card, List, Popconfirm, Space, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../../../../../_components/trpc";

type Person = inferRouterOutputs<AppRouter>["people"]["get"];

/** A person's roles, each revocable, and their account, deactivatable, with the app's one rule on roles it cannot grant. */
export function AccessView({ person: p, self, ungrantable }: { person: Person; self: boolean; ungrantable: string[] }) {
  const t = useTranslations("admin.access");
  const ta = useTranslations("admin");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const router = useRouter();
  const { message } = App.useApp();
  const onError = (e: { message: string }) => {
    void message.error(e.message);
  };
  const revoke = useMutation(
    trpc.people.revokeRole.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("revoked", { role: tc(`roles.${r.role}`) }));
        router.refresh();
      },
      onError,
    }),
  );
  const activate = useMutation(
    trpc.people.setActive.mutationOptions({
      onSuccess: (r) => {
        void message.success(t(r.active ? "activated" : "deactivated"));
        router.refresh();
      },
      onError,
    }),
  );
  const held = p.roles.find((r) => ungrantable.includes(r.role));
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t("title", { name: p.name })}
          </Typography.Title>
        }
        extra={<Link href={`/admin/people/${p.id}`}>{t("back")}</Link>}
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t("intro")}
        </Typography.Paragraph>
        {held && (
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            showIcon
            title={t("protected", { role: tc(`roles.${held.role}`) })}
            data-testid="protected-note"
          />
        )}
      </Card>
      <Card
        title={t("grants")}
        extra={
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("grantHint")}
          </Typography.Text>
        }
      >
        <List
          data-testid="grants"
          dataSource={p.roles}
          locale={{ emptyText: t("noGrants") }}
          renderItem={(g) => {
            const locked = ungrantable.includes(g.role);
            return (
              <List.Item
                actions={[
                  <Popconfirm
                    key="revoke"
                    title={t("revokeConfirm", { role: tc(`roles.${g.role}`) })}
                    okText={t("revoke")}
                    cancelText={ta("cancel")}
                    okButtonProps={{ danger: true }}
                    disabled={locked}
                    onConfirm={() => revoke.mutateAsync({ personId: p.id, role: g.role, unitId: g.unitId }).catch(() => undefined)}
                  >
                    <Button
                      danger
                      size="small"
                      disabled={locked}
                      loading={revoke.isPending && revoke.variables?.role === g.role && revoke.variables?.unitId === g.unitId}
                      data-testid={`revoke-${g.role}`}
                    >
                      {t("revoke")}
                    </Button>
                  </Popconfirm>,
                ]}
              >
                <Space wrap>
                  <Tag color="blue">{tc(`roles.${g.role}`)}</Tag>
                  <Typography.Text type="secondary">
                    {t("unit")}
                    {tc("colon")}
                    {g.unitName ?? t("wholeSchool")}
                  </Typography.Text>
                </Space>
              </List.Item>
            );
          }}
        />
      </Card>
      <Card title={t("account")}>
        <Space wrap size="middle">
          <span data-testid="person-status">{p.active ? <Tag color="green">{ta("active")}</Tag> : <Tag>{ta("inactive")}</Tag>}</span>
          {p.active ? (
            <Popconfirm
              title={t("deactivateConfirm")}
              okText={t("deactivate")}
              cancelText={ta("cancel")}
              okButtonProps={{ danger: true }}
              disabled={!!held || self}
              onConfirm={() => activate.mutateAsync({ personId: p.id, active: false }).catch(() => undefined)}
            >
              <Button danger disabled={!!held || self} loading={activate.isPending} data-testid="deactivate">
                {t("deactivate")}
              </Button>
            </Popconfirm>
          ) : (
            <Popconfirm
              title={t("activateConfirm")}
              okText={t("activate")}
              cancelText={ta("cancel")}
              disabled={!!held}
              onConfirm={() => activate.mutateAsync({ personId: p.id, active: true }).catch(() => undefined)}
            >
              <Button disabled={!!held} loading={activate.isPending} data-testid="activate">
                {t("activate")}
              </Button>
            </Popconfirm>
          )}
          {self && <Typography.Text type="secondary">{t("self")}</Typography.Text>}
        </Space>
      </Card>
    </Space>
  );
}
