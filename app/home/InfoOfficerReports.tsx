"use client";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, List, Space, Tag, Typography } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { BEIJING_TIME_ZONE } from "@/server/kernel/time";
import { useTRPC } from "../_components/trpc";

/** An information officer's open campaigns: report at any time, as often as needed (named). */
export function InfoOfficerReports() {
  const t = useTranslations("home");
  const format = useFormatter();
  const trpc = useTRPC();
  const q = useQuery(trpc.respond.reportCampaigns.queryOptions());
  return (
    <Card title={t("infoOfficer")} data-testid="info-officer">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t("infoOfficerText")}
      </Typography.Paragraph>
      {q.data && q.data.length === 0 && (
        <Typography.Text type="secondary" data-testid="info-officer-none">
          {t("infoOfficerNone")}
        </Typography.Text>
      )}
      {(q.data?.length ?? 0) > 0 && (
        <List
          dataSource={q.data}
          renderItem={(c) => (
            <List.Item
              actions={[
                <Link key="go" href={`/report/${c.campaignId}`}>
                  <Button type="primary" size="small" data-testid="report-go">
                    {t("report")}
                  </Button>
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={c.name}
                description={
                  <Space wrap size={[12, 0]}>
                    <span>
                      {t("reportCloses", {
                        date: format.dateTime(new Date(c.closesAt), { dateStyle: "medium", timeZone: BEIJING_TIME_ZONE }),
                      })}
                    </span>
                    <Tag data-testid="reports-mine">{t("reportsMine", { count: c.reports })}</Tag>
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
