"use client";
import { useQuery } from "@tanstack/react-query";
import { Alert, Card, Empty, Space, Spin, Tag, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "../../../_components/trpc";
import { useLocalName } from "../../../_components/localName";

/** The teacher's released comments: per section and question, in random order, with no score beside them. */
export function MyCommentsView() {
  const t = useTranslations("comments");
  const cn = useLocalName();
  const locale = useLocale();
  const trpc = useTRPC();
  const q = useQuery(trpc.comments.mine.queryOptions());
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%", maxWidth: 900 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t("mine.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("mine.intro")}
      </Typography.Paragraph>
      {q.isLoading && (
        <Card>
          <Spin />
        </Card>
      )}
      {q.error && <Alert type="error" showIcon title={q.error.message} />}
      {q.data && q.data.length === 0 && (
        <Card>
          <Empty description={t("mine.empty")} />
        </Card>
      )}
      {q.data?.map((g) => (
        <Card
          key={g.targetId}
          size="small"
          data-testid="my-comments"
          title={
            <span style={{ whiteSpace: "normal" }}>
              {g.courseCode} {cn(g.courseName, g.courseNameEn)} · {g.sectionCode}
            </span>
          }
          extra={
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {g.campaignName}
            </Typography.Text>
          }
        >
          {g.questions.map((qq) => (
            <div key={qq.question} style={{ marginBottom: 12 }}>
              <Space>
                <Typography.Text strong>{qq.title ? (locale === "en" ? qq.title.en : qq.title.zh) : qq.question}</Typography.Text>
                <Tag>{t("mine.count", { n: qq.texts.length })}</Tag>
              </Space>
              <ul style={{ margin: "6px 0 0", paddingInlineStart: 20 }}>
                {qq.texts.map((text, i) => (
                  <li key={i} data-testid="my-comment" style={{ marginBottom: 4, wordBreak: "break-word" }}>
                    {text}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </Card>
      ))}
    </Space>
  );
}
