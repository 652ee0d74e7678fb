"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, List, Space, Tag, Typography } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import { BEIJING_TIME_ZONE } from "@/server/kernel/time";
import { useLocalName } from "../_components/localName";
import { useTRPC } from "../_components/trpc";

/** "You said, we did" for an information officer: each report with its order's status and the unit's answer. */
export function OfficerFeedback() {
  const t = useTranslations("improvement");
  const format = useFormatter();
  const cn = useLocalName();
  const trpc = useTRPC();
  const q = useQuery(trpc.improvement.myReports.queryOptions());
  return (
    <Card title={t("page.officerTitle")} data-testid="officer-feedback">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t("page.officerHint")}
      </Typography.Paragraph>
      <List
        dataSource={q.data ?? []}
        loading={q.isLoading}
        locale={{ emptyText: t("page.officerEmpty") }}
        renderItem={(r) => (
          <List.Item data-testid="officer-report">
            <List.Item.Meta
              title={
                <Space wrap size={[8, 0]}>
                  <span>{format.dateTime(new Date(r.submittedAt), { dateStyle: "medium", timeZone: BEIJING_TIME_ZONE })}</span>
                  <span>{r.courseName ? cn(r.courseName, r.courseNameEn) : cn(r.unitName, r.unitNameEn)}</span>
                  {r.order ? <Tag data-testid="officer-status">{t(`statuses.${r.order.status}`)}</Tag> : <Tag>{t("page.notYet")}</Tag>}
                </Space>
              }
              description={
                r.order?.response ? (
                  <div data-testid="officer-answer">
                    <div>
                      {t("page.response")}：{r.order.response}
                    </div>
                    <div>
                      {t("page.measures")}：{r.order.measures}
                    </div>
                  </div>
                ) : r.order ? (
                  t("page.waiting")
                ) : null
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** "You said, we did" for a student: what was fixed in their courses and programme. */
export function YouSaidWeDid() {
  const t = useTranslations("improvement");
  const cn = useLocalName();
  const trpc = useTRPC();
  const q = useQuery(trpc.improvement.youSaidWeDid.queryOptions());
  const groups = [...(q.data?.courses ?? []), ...(q.data?.programmes ?? [])];
  if (groups.length === 0) return null;
  return (
    <Card title={t("page.youSaid")} data-testid="you-said">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t("page.youSaidHint")}
      </Typography.Paragraph>
      {groups.map((g) => (
        <div key={`${g.name}`} style={{ marginBottom: 8 }}>
          <Typography.Text strong>{cn(g.name, g.nameEn)}</Typography.Text>
          <ul style={{ margin: "4px 0 0", paddingInlineStart: 20 }}>
            {g.items.map((i, k) => (
              <li key={k}>
                {i.summary} <Typography.Text type="secondary">（{i.closedOn}）</Typography.Text>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </Card>
  );
}
