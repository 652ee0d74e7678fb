"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, List, Progress, Space, Tag, Typography } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import { useTRPC } from "../_components/trpc";
import { useLocalName } from "../_components/localName";
import type { GroupKey } from "@/server/i18n/messages";

/** A teacher's own sections' response rates: while a campaign runs a rounded rate, once enough have answered; counts after it closes (server/campaigns/rates.ts teacherRow). */
export function SectionRates() {
  const t = useTranslations("home.rates");
  const tc = useTranslations("campaigns.states");
  const cn = useLocalName();
  const format = useFormatter();
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.me.sectionRates.queryOptions(), refetchInterval: 60_000 });
  if (!q.data?.length) return null;
  return (
    <>
      {q.data.map((c) => (
        <Card
          key={c.campaignId}
          data-testid={`rates-${c.campaignId}`}
          title={t("title")}
          extra={<Tag color={c.state === "open" ? "green" : "default"}>{tc(c.state as GroupKey<"campaigns.states">)}</Tag>}
        >
          <Typography.Paragraph style={{ marginBottom: 4 }}>{c.name}</Typography.Paragraph>
          {c.live && (
            <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
              {t("hint", { min: c.minRaters })}
            </Typography.Paragraph>
          )}
          <List
            dataSource={c.rows}
            renderItem={(r) => (
              <List.Item>
                <div style={{ width: "100%" }}>
                  <Space wrap size={[12, 0]} style={{ justifyContent: "space-between", width: "100%" }}>
                    <Typography.Text strong>{cn(r.name, r.nameEn)}</Typography.Text>
                    <Typography.Text type="secondary">{r.code}</Typography.Text>
                  </Space>
                  {r.withheld ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="rate-withheld">
                      {t("withheld", { min: c.minRaters })}
                    </Typography.Text>
                  ) : (
                    <>
                      <Progress percent={r.rate === null ? 0 : Math.round(r.rate * 100)} size="small" />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {r.rounded || r.answered === null || r.declined === null
                          ? t("rounded", { rate: format.number(r.rate ?? 0, { style: "percent" }) })
                          : t("line", { answered: r.answered, declined: r.declined, eligible: r.eligible })}
                      </Typography.Text>
                    </>
                  )}
                </div>
              </List.Item>
            )}
          />
        </Card>
      ))}
    </>
  );
}
