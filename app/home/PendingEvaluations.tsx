"use client";
import { CheckCircleFilled, ExclamationCircleOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Empty, List, Progress, Space, Spin, Tag, Typography } from "antd";
import type { inferRouterOutputs } from "@trpc/server";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import type { AppRouter } from "@/server/api/root";
import { CollectError, submitWithToken } from "../_components/respond/collect";
import { useCampaignTokens, type TargetStatus } from "../_components/respond/useCampaignTokens";
import { useTRPC } from "../_components/trpc";
import { useLocalName } from "../_components/localName";

type Campaign = inferRouterOutputs<AppRouter>["respond"]["pending"][number];

const COLOR: Record<TargetStatus, string> = { todo: "blue", submitted: "green", declined: "default", elsewhere: "orange" };

/** A student's open evaluations with this device's progress ("5 of 8 done"), in the staff home of someone who is also a student (a student alone has app/_student/PendingList.tsx). */
export function PendingEvaluations() {
  const t = useTranslations("respond.pending");
  const trpc = useTRPC();
  const q = useQuery(trpc.respond.pending.queryOptions());
  if (q.isLoading)
    return (
      <Card title={t("title")}>
        <Spin />
      </Card>
    );
  if (!q.data || q.data.length === 0) {
    return (
      <Card title={t("title")} data-testid="pending-empty">
        <Empty description={t("empty")} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      </Card>
    );
  }
  return (
    <>
      {q.data.map((c) => (
        <CampaignCard key={c.campaignId} campaign={c} />
      ))}
    </>
  );
}

function CampaignCard({ campaign }: { campaign: Campaign }) {
  const t = useTranslations("respond.pending");
  const cn = useLocalName();
  const fmt = useFormatter();
  const locale = useLocale();
  const { modal, message } = App.useApp();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const s = useCampaignTokens(campaign, () => void qc.invalidateQueries({ queryKey: trpc.respond.pending.queryKey() }));
  const statuses = campaign.targets.map((x) => s.statusOf(x.targetId));
  const done = statuses.filter((x) => x === "submitted" || x === "declined").length;
  const declined = statuses.filter((x) => x === "declined").length;
  const total = campaign.targets.length;
  const elsewhere = statuses.includes("elsewhere");

  const decline = (targetId: number, label: string) =>
    modal.confirm({
      title: t("declineConfirm"),
      icon: <ExclamationCircleOutlined />,
      content: (
        <>
          <Typography.Paragraph strong>{label}</Typography.Paragraph>
          <Typography.Paragraph type="secondary">{t("declineHelp")}</Typography.Paragraph>
        </>
      ),
      okText: t("declineOk"),
      cancelText: t("cancel"),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await submitWithToken(targetId, { answers: {}, declined: true, locale: locale === "en" ? "en" : "zh" });
          await s.reload();
        } catch (e) {
          message.error(e instanceof CollectError ? e.message : String(e));
        }
      },
    });

  return (
    <Card
      data-testid={`campaign-${campaign.campaignId}`}
      styles={{ title: { whiteSpace: "normal", padding: "10px 0" } }}
      title={
        <Space wrap size={[8, 0]}>
          <span>{campaign.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: "normal" }}>
            {t("closes", { date: fmt.dateTime(campaign.closesAt, { dateStyle: "medium", timeStyle: "short" }) })}
          </Typography.Text>
        </Space>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <div data-testid="progress">
          <Typography.Text strong>{t("progress", { done, total })}</Typography.Text>
          {declined > 0 && <Typography.Text type="secondary"> {t("declinedCount", { count: declined })}</Typography.Text>}
          <Progress percent={Math.round((100 * done) / total)} showInfo={false} status={done === total ? "success" : "active"} />
        </div>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          <SafetyCertificateOutlined /> {t("anonymous")}
        </Typography.Text>
        {s.busy && <Alert type="info" showIcon title={t("preparing")} />}
        {s.error && (
          <Alert
            type="error"
            showIcon
            title={t("prepareFailed", { error: s.error })}
            action={
              <Button size="small" onClick={() => void s.retry()}>
                {t("retry")}
              </Button>
            }
          />
        )}
        {s.memoryOnly && <Alert type="warning" showIcon title={t("memoryOnly")} />}
        {elsewhere && <Alert type="warning" showIcon title={t("elsewhereHelp")} />}
        {done === total && <Alert type="success" showIcon icon={<CheckCircleFilled />} title={t("allDone")} />}
        <List
          dataSource={campaign.targets}
          renderItem={(x) => {
            const st = s.statusOf(x.targetId);
            const label = `${cn(x.courseName, x.courseNameEn)}（${x.teacherName}）`;
            return (
              <List.Item
                data-testid={`target-${x.targetId}`}
                data-status={st}
                actions={
                  st === "todo"
                    ? [
                        <Link key="go" href={`/respond/${campaign.campaignId}/${x.targetId}`}>
                          <Button type="primary" size="small">
                            {t("evaluate")}
                          </Button>
                        </Link>,
                        <Button key="no" size="small" onClick={() => decline(x.targetId, label)}>
                          {t("decline")}
                        </Button>,
                      ]
                    : undefined
                }
              >
                <List.Item.Meta
                  title={
                    <Space wrap size={[8, 0]}>
                      <span>{cn(x.courseName, x.courseNameEn)}</span>
                      {st !== "pending" && <Tag color={COLOR[st]}>{t(`states.${st}`)}</Tag>}
                    </Space>
                  }
                  description={
                    <Space wrap size={[12, 0]}>
                      <span>{x.teacherName}</span>
                      <span>{x.sectionCode}</span>
                    </Space>
                  }
                />
              </List.Item>
            );
          }}
        />
      </Space>
    </Card>
  );
}
