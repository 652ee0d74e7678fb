"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, List, Progress, Space, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import { useTRPC } from "../_components/trpc";

/** A teacher's own sections' response rates (counts only: nobody is named). */
export function SectionRates() {
  const t = useTranslations("home.rates");
  const tc = useTranslations("campaigns.states");
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.me.sectionRates.queryOptions(), refetchInterval: 60_000 });
  if (!q.data?.length) return null;
  return (
    <>
      {q.data.map((c) => (
        <Card key={c.campaignId} data-testid={`rates-${c.campaignId}`}
          title={t("title")}
          extra={<Tag color={c.state === "open" ? "green" : "default"}>{tc(c.state)}</Tag>}>
          <Typography.Paragraph style={{ marginBottom: 4 }}>{c.name}</Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>{t("hint")}</Typography.Paragraph>
          <List
            dataSource={c.rows}
            renderItem={(r) => (
              <List.Item>
                <div style={{ width: "100%" }}>
                  <Space wrap size={[12, 0]} style={{ justifyContent: "space-between", width: "100%" }}>
                    <Typography.Text strong>{r.name}</Typography.Text>
                    <Typography.Text type="secondary">{r.code}</Typography.Text>
                  </Space>
                  <Progress percent={r.rate === null ? 0 : Math.round(r.rate * 100)} size="small" />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t("line", { answered: r.answered, declined: r.declined, eligible: r.eligible })}
                  </Typography.Text>
                </div>
              </List.Item>
            )}
          />
        </Card>
      ))}
    </>
  );
}
