"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, Card, Form, Input, Result, Space, Spin, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { completeWith } from "../../../_components/respond/complete";
import { SurveyForm, type SurveyAnswers, type SurveyJson } from "../../../_components/survey/SurveyForm";
import { useSurveyTexts } from "../../../_components/survey/useSurveyTexts";
import { useTRPC } from "../../../_components/trpc";
import { beijingDate } from "@/server/kernel/time";
import { useLocalName } from "../../../_components/localName";
import { BackLink } from "../../../_components/BackLink";

/** A signed class observation record: the campaign's instrument for the observer's group. */
export function ObserveView({ assignmentId }: { assignmentId: number }) {
  const t = useTranslations("respond.observe");
  const surveyTexts = useSurveyTexts();
  const tf = useTranslations("respond.form");
  const cn = useLocalName();
  const locale = useLocale() === "en" ? "en" : "zh";
  const trpc = useTRPC();
  const tasks = useQuery(trpc.respond.observations.queryOptions());
  const task = tasks.data?.find((x) => x.assignmentId === assignmentId);
  const form = useQuery({
    ...trpc.respond.form.queryOptions({ versionId: task?.versionId ?? 0 }),
    enabled: !!task?.versionId,
    staleTime: Infinity,
  });
  const submit = useMutation(trpc.respond.observe.mutationOptions());
  const [comment, setComment] = useState("");
  const [done, setDone] = useState(false);
  // The visit's date is the form's own question (听课日期): the browser refuses a future day
  // (max = today, Beijing time), as the server does.
  const survey = useMemo(
    () => (form.data ? withMaxDate(form.data.survey, task?.dateQuestion ?? null, beijingToday()) : null),
    [form.data, task?.dateQuestion],
  );

  const back = <BackLink href={"/home"}>{t("back")}</BackLink>;
  if (tasks.isLoading) return <Spin />;
  if (!task)
    return (
      <Space orientation="vertical">
        {back}
        <Alert type="warning" showIcon title={t("errors.notFound")} />
      </Space>
    );
  if (done || task.done)
    return (
      <Card>
        <Result status="success" title={t("submitted")} extra={back} />
      </Card>
    );

  const onComplete = completeWith<SurveyAnswers>(
    (answers) => submit.mutateAsync({ assignmentId, answers, comment: comment || undefined }),
    () => setDone(true),
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%", maxWidth: 900, margin: "0 auto", display: "flex" }}>
      {back}
      <Card size="small">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {cn(task.courseName, task.courseNameEn)}
        </Typography.Title>
        <Space wrap size={[16, 4]} style={{ marginTop: 4 }}>
          <Typography.Text type="secondary">
            {tf("teacher")}：{task.teacherName}
          </Typography.Text>
          <Typography.Text type="secondary">
            {tf("section")}：{task.sectionCode}
          </Typography.Text>
        </Space>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, margin: "8px 0" }}>
          {t("named")}
        </Typography.Paragraph>
        <Form layout="vertical" style={{ maxWidth: 480 }}>
          {task.dateQuestion && (
            <Typography.Paragraph type="secondary" style={{ fontSize: 13, margin: "0 0 8px" }} data-testid="date-in-form">
              {t("dateInForm")}
            </Typography.Paragraph>
          )}
          <Form.Item label={t("comment")} style={{ marginBottom: 0 }}>
            <Input.TextArea
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              maxLength={2000}
              autoSize={{ minRows: 2, maxRows: 6 }}
            />
          </Form.Item>
        </Form>
      </Card>
      {survey ? (
        <SurveyForm
          texts={surveyTexts}
          survey={survey}
          locale={locale}
          mode="respond"
          draftKey={`obs:${assignmentId}:${task.versionId}`}
          onComplete={onComplete}
        />
      ) : (
        <Spin />
      )}
    </Space>
  );
}

/** Today in Beijing (the server's day for "not in the future"). */
function beijingToday(): string {
  return beijingDate(Date.now());
}

/** A copy of the survey whose date question `name` has max = `day`. */
function withMaxDate(survey: SurveyJson, name: string | null, day: string): SurveyJson {
  if (!name) return survey;
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) out[k] = visit(v);
      if (o.name === name && o.inputType === "date") out.max = day;
      return out;
    }
    return node;
  };
  return visit(survey) as SurveyJson;
}
