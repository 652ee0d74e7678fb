"use client";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Empty, List, Space, Spin, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useLocalName } from "../../_components/localName";
import { useTRPC } from "../../_components/trpc";

const STATUS_COLOR = { submitted: "green", not_started: "default", overdue: "red" } as const;

export function MyInspectionsView() {
  const t = useTranslations("inspections");
  const cn = useLocalName();
  const trpc = useTRPC();
  const mine = useQuery(trpc.inspections.mine.queryOptions());
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%", maxWidth: 900 }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("mineTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("mine.intro")}
      </Typography.Paragraph>
      {mine.isLoading ? (
        <Spin />
      ) : !mine.data?.length ? (
        <Card>
          <Empty description={t("mine.none")} />
        </Card>
      ) : (
        <List
          dataSource={mine.data}
          data-testid="my-inspections"
          renderItem={(c) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="my-inspection">
              <Space orientation="vertical" size={4} style={{ width: "100%" }}>
                <Space wrap size={6}>
                  <Tag color="blue">{t(`phases.${c.phase}`)}</Tag>
                  <Typography.Text strong>{c.name}</Typography.Text>
                </Space>
                <Typography.Text type="secondary">
                  {cn(c.unitName, c.unitNameEn)} · {t("mine.deadline", { deadline: c.deadline })}
                </Typography.Text>
                <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
                  <Tag color={STATUS_COLOR[c.status]} data-testid="my-inspection-status">
                    {t(`statuses.${c.status}`)}
                  </Tag>
                  <Link href={`/inspections/${c.inspectionId}/${c.unitId}`}>
                    <Button type={c.status === "submitted" ? "default" : "primary"} data-testid="my-inspection-open">
                      {c.status === "submitted" ? t("mine.view") : t("mine.fill")}
                    </Button>
                  </Link>
                </Space>
              </Space>
            </Card>
          )}
        />
      )}
    </Space>
  );
}
