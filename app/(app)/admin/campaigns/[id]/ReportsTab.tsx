"use client";
import { useQuery } from "@tanstack/react-query";
import { Alert, Card, Descriptions, Empty, List, Space, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import { useTRPC } from "../../../../_components/trpc";
import { useUnitName, useWhen, type Detail } from "../_components/shared";

/**
 * Information officers' reports. The server names the officer to the quality office only;
 * a unit admin gets its units' reports with no officer at all (nothing to hide here).
 */
export function ReportsTab({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const when = useWhen();
  const unitName = useUnitName();
  const reports = useQuery({ ...trpc.campaigns.reports.queryOptions({ id: detail.campaign.id }), refetchInterval: detail.campaign.state === "open" ? 30_000 : false });
  const data = reports.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="reports">
      {data && <Alert type="info" showIcon title={data.named ? t("admin.reports.introNamed") : t("admin.reports.introUnit")} data-testid={data.named ? "reports-named" : "reports-unnamed"} />}
      {reports.error && <Typography.Text type="danger">{reports.error.message}</Typography.Text>}
      <Typography.Text type="secondary" data-testid="reports-count">{t("admin.reports.count", { count: data?.rows.length ?? 0 })}</Typography.Text>
      <List data-testid="reports-list" loading={reports.isLoading} dataSource={data?.rows ?? []} split={false}
        locale={{ emptyText: <Empty description={t("admin.reports.empty")} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        pagination={(data?.rows.length ?? 0) > 10 ? { pageSize: 10, size: "small" } : false}
        renderItem={(r) => (
          <List.Item style={{ paddingInline: 0 }}>
            <Card size="small" style={{ width: "100%" }} data-testid="report"
              title={<div style={{ whiteSpace: "normal", padding: "4px 0" }}>
                <Space wrap size={[8, 4]}>
                  <Tag color="blue">{unitName(r.unitId, r.unitName)}</Tag>
                  <span>{r.courseName ? `${r.courseCode} ${r.courseName} · ${r.sectionCode}` : t("admin.reports.noSection")}</span>
                </Space>
              </div>}
              extra={<Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: "nowrap" }}>{when(r.submittedAt)}</Typography.Text>}>
              <Descriptions size="small" column={1} styles={{ label: { whiteSpace: "nowrap" } }}>
                {r.answers.map((a) => (
                  <Descriptions.Item key={a.name} label={a.title}><span style={{ whiteSpace: "pre-wrap" }}>{a.text}</span></Descriptions.Item>
                ))}
                {r.officer && (
                  <Descriptions.Item label={t("admin.reports.officer")}>
                    <span data-testid="report-officer">{[r.officer.name, r.officer.number, r.officer.programme, r.officer.className].filter(Boolean).join(" · ")}</span>
                  </Descriptions.Item>
                )}
              </Descriptions>
              {!r.officer && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t("admin.reports.hiddenOfficer")}</Typography.Text>}
            </Card>
          </List.Item>
        )} />
    </Space>
  );
}
