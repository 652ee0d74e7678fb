"use client";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Progress, Space, Table, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useTRPC } from "../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

export function CommentCampaignsView() {
  const t = useTranslations("comments");
  const tc = useTranslations("campaigns");
  const trpc = useTRPC();
  const q = useQuery(trpc.comments.campaigns.queryOptions());
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t("title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("intro")}
      </Typography.Paragraph>
      <Link href="/admin/comments/words" data-testid="words-link">
        {t("words.title")}
      </Link>
      {q.error && <Alert type="error" showIcon title={q.error.message} />}
      <Card size="small">
        <Table
          data-testid="comment-campaigns"
          rowKey="id"
          loading={q.isLoading}
          dataSource={q.data ?? []}
          pagination={false}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: t("campaigns.empty") }}
          columns={[
            {
              title: t("campaigns.name"),
              dataIndex: "name",
              render: (name: string, r) => (
                <Link href={`/admin/comments/${r.id}`} data-testid="review-link">
                  {name}
                </Link>
              ),
            },
            { title: t("campaigns.state"), dataIndex: "state", render: (s: string) => tc(`states.${s as GroupKey<"campaigns.states">}`) },
            {
              title: t("campaigns.progress"),
              key: "progress",
              render: (_, r) => (
                <Space>
                  <Tag color={r.reviewState === "reviewed" ? "green" : "gold"}>{t(`campaigns.reviewState.${r.reviewState}`)}</Tag>
                  <Progress
                    percent={Math.round((100 * (r.counts.total - r.counts.pending)) / Math.max(1, r.counts.total))}
                    size="small"
                    style={{ width: 120, margin: 0 }}
                  />
                  <Typography.Text type="secondary">
                    {r.counts.total - r.counts.pending}/{r.counts.total}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: "",
              key: "go",
              render: (_, r) => (
                <Link href={`/admin/comments/${r.id}`}>
                  <Button size="small" type="primary">
                    {t("campaigns.review")}
                  </Button>
                </Link>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
