"use client";
import { ArrowLeftOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, DatePicker, Form, Input, Result, Space, Spin, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { completeWith } from "../../../_components/respond/complete";
import { SurveyForm, type SurveyAnswers } from "../../../_components/survey/SurveyForm";
import { useSurveyTexts } from "../../../_components/survey/useSurveyTexts";
import { useTRPC } from "../../../_components/trpc";

/** A signed class observation record: the campaign's instrument for the observer's group. */
export function ObserveView({ assignmentId }: { assignmentId: number }) {
  const t = useTranslations("respond.observe");
  const surveyTexts = useSurveyTexts();
  const tf = useTranslations("respond.form");
  const locale = useLocale() === "en" ? "en" : "zh";
  const trpc = useTRPC();
  const tasks = useQuery(trpc.respond.observations.queryOptions());
  const task = tasks.data?.find((x) => x.assignmentId === assignmentId);
  const form = useQuery({ ...trpc.respond.form.queryOptions({ versionId: task?.versionId ?? 0 }), enabled: !!task?.versionId, staleTime: Infinity });
  const submit = useMutation(trpc.respond.observe.mutationOptions());
  const [observedOn, setObservedOn] = useState<Dayjs>(dayjs());
  const [comment, setComment] = useState("");
  const [done, setDone] = useState(false);

  const back = <Link href="/home"><Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>{t("back")}</Button></Link>;
  if (tasks.isLoading) return <Spin />;
  if (!task) return <Space orientation="vertical">{back}<Alert type="warning" showIcon title={t("errors.notFound")} /></Space>;
  if (done || task.done) return <Card><Result status="success" title={t("submitted")} extra={back} /></Card>;

  const onComplete = completeWith<SurveyAnswers>(
    (answers) => submit.mutateAsync({ assignmentId, answers, observedOn: observedOn.format("YYYY-MM-DD"), comment: comment || undefined }),
    () => setDone(true));

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%", maxWidth: 900, margin: "0 auto", display: "flex" }}>
      {back}
      <Card size="small">
        <Typography.Title level={4} style={{ margin: 0 }}>{task.courseName}</Typography.Title>
        <Space wrap size={[16, 4]} style={{ marginTop: 4 }}>
          <Typography.Text type="secondary">{tf("teacher")}：{task.teacherName}</Typography.Text>
          <Typography.Text type="secondary">{tf("section")}：{task.sectionCode}</Typography.Text>
        </Space>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, margin: "8px 0" }}>{t("named")}</Typography.Paragraph>
        <Form layout="vertical" style={{ maxWidth: 480 }}>
          <Form.Item label={t("observedOn")} required style={{ marginBottom: 8 }}>
            <DatePicker value={observedOn} onChange={(d) => d && setObservedOn(d)} disabledDate={(d) => d.isAfter(dayjs(), "day")} allowClear={false} />
          </Form.Item>
          <Form.Item label={t("comment")} style={{ marginBottom: 0 }}>
            <Input.TextArea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
        </Form>
      </Card>
      {form.data
        ? <SurveyForm texts={surveyTexts} survey={form.data.survey} locale={locale} mode="respond" draftKey={`obs:${assignmentId}:${task.versionId}`} onComplete={onComplete} />
        : <Spin />}
    </Space>
  );
}
