"use client";
import { DownloadOutlined, SendOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { App, Button, Divider, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import { useTRPC } from "../../../../_components/trpc";
import { Figure, useErrorToast, useWhen, type CampaignsOut, type Detail } from "../_components/shared";
import { useRefreshCampaign } from "./OverviewTab";
import type { GroupKey } from "@/server/i18n/messages";

type Message = CampaignsOut["outbox"]["messages"][number];
// campaignOutbox lists the newest 200 invitation messages (server/outbox/outbox.ts).
const OUTBOX_LISTED = 200;
const STATUS_COLOR: Record<string, string> = { pending: "gold", sent: "green", recorded: "blue", failed: "red" };

export function InvitationsTab({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const when = useWhen();
  const toast = useErrorToast();
  const { message } = App.useApp();
  const refresh = useRefreshCampaign();
  const id = detail.campaign.id;
  const outbox = useQuery(trpc.campaigns.outbox.queryOptions({ id }));
  const send = useMutation(
    trpc.campaigns.sendInvitations.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("admin.invitations.sent", { created: r.created, queued: r.queued, noContact: r.noContact }));
        refresh();
      },
      onError: toast,
    }),
  );
  const counts = detail.invitations ?? { total: 0, sent: 0, used: 0 };
  const open = detail.campaign.state === "open";
  const statusLabel = (s: string) => t(`admin.invitations.status.${s as GroupKey<"campaigns.admin.invitations.status">}`);
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="invitations">
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("admin.invitations.intro")}
      </Typography.Paragraph>
      <Space wrap size="large">
        <Figure label={t("admin.invitations.total")} value={counts.total} testid="inv-total" />
        <Figure label={t("admin.invitations.sentCount")} value={counts.sent} />
        <Figure label={t("admin.invitations.used")} value={counts.used} />
      </Space>
      <Space wrap>
        <Popconfirm
          title={t("admin.invitations.sendConfirm")}
          okText={t("admin.invitations.send")}
          cancelText={t("admin.actions.cancel")}
          onConfirm={() => send.mutate({ id })}
          disabled={!open}
          overlayStyle={{ maxWidth: 320 }}
        >
          <Button type="primary" icon={<SendOutlined />} loading={send.isPending} disabled={!open} data-testid="send-invitations">
            {t("admin.invitations.send")}
          </Button>
        </Popconfirm>
        <Button
          icon={<DownloadOutlined />}
          href={`/api/campaigns/${id}/invitations`}
          disabled={counts.total === 0}
          data-testid="export-links"
        >
          {t("admin.invitations.export")}
        </Button>
      </Space>
      {!open && <Typography.Text type="secondary">{t("admin.invitations.onlyOpen")}</Typography.Text>}

      <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
        {t("admin.invitations.outbox")}
      </Divider>
      {outbox.data && outbox.data.counts.length > 0 && (
        <Space wrap size={4} data-testid="outbox-counts">
          {outbox.data.counts.map((c) => (
            <Tag key={`${c.kind}-${c.status}`} color={STATUS_COLOR[c.status]}>
              {`${t(`admin.invitations.kind.${c.kind as GroupKey<"campaigns.admin.invitations.kind">}`)} · ${statusLabel(c.status)} ${c.n}`}
            </Tag>
          ))}
        </Space>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("admin.invitations.remindersNote")}
        {outbox.data && outbox.data.messages.length >= OUTBOX_LISTED && ` ${t("admin.invitations.latest", { count: OUTBOX_LISTED })}`}
      </Typography.Text>
      {outbox.error && <Typography.Text type="danger">{outbox.error.message}</Typography.Text>}
      <Table<Message>
        size="small"
        rowKey="id"
        data-testid="outbox-table"
        loading={outbox.isFetching}
        dataSource={outbox.data?.messages ?? []}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("admin.invitations.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, size: "small" }}
        expandable={{ expandedRowRender: (m) => <pre style={{ whiteSpace: "pre-wrap", margin: 0, fontFamily: "inherit" }}>{m.body}</pre> }}
        columns={[
          {
            title: t("admin.invitations.recipient"),
            key: "r",
            render: (_, m) => (
              <span>
                {m.recipient}{" "}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {m.channel === "email" ? t("admin.invitations.email") : t("admin.invitations.sms")}
                </Typography.Text>
              </span>
            ),
          },
          {
            title: t("admin.invitations.statusTitle"),
            dataIndex: "status",
            render: (s: string, m) => (
              <span>
                <Tag color={STATUS_COLOR[s]}>{statusLabel(s)}</Tag>
                {m.lastError && (
                  <Typography.Text type="danger" style={{ fontSize: 12 }}>
                    {m.lastError}
                  </Typography.Text>
                )}
              </span>
            ),
          },
          { title: t("admin.invitations.created"), dataIndex: "createdAt", responsive: ["sm"], render: (d: Date) => when(d) },
        ]}
      />
    </Space>
  );
}
