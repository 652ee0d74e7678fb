"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, Card, Result, Space, Spin, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { completeWith } from "../../../_components/respond/complete";
import { SurveyForm, type SurveyAnswers } from "../../../_components/survey/SurveyForm";
import { useSurveyTexts } from "../../../_components/survey/useSurveyTexts";
import { useTRPC } from "../../../_components/trpc";
import { useLocalName } from "../../../_components/localName";
import { BackLink } from "../../../_components/BackLink";

/** A teacher's self-evaluation of one section (named: it is about the teacher). */
export function SelfView({ targetId }: { targetId: number }) {
  const t = useTranslations("respond.self");
  const surveyTexts = useSurveyTexts();
  const tf = useTranslations("respond.form");
  const cn = useLocalName();
  const locale = useLocale() === "en" ? "en" : "zh";
  const trpc = useTRPC();
  const tasks = useQuery(trpc.respond.selfEvaluations.queryOptions());
  const task = tasks.data?.find((x) => x.targetId === targetId);
  const form = useQuery({ ...trpc.respond.form.queryOptions({ versionId: task?.versionId ?? 0 }), enabled: !!task, staleTime: Infinity });
  const submit = useMutation(trpc.respond.selfEvaluate.mutationOptions());
  const [done, setDone] = useState(false);

  const back = <BackLink href={"/home"}>{tf("doneAll")}</BackLink>;
  if (tasks.isLoading) return <Spin />;
  if (!task)
    return (
      <Space orientation="vertical">
        {back}
        <Alert type="warning" showIcon title={tf("notFound")} />
      </Space>
    );
  if (done || task.done)
    return (
      <Card>
        <Result status="success" title={t("submitted")} subTitle={cn(task.courseName, task.courseNameEn)} extra={back} />
      </Card>
    );

  const onComplete = completeWith<SurveyAnswers>(
    (answers) => submit.mutateAsync({ targetId, answers }),
    () => setDone(true),
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%", maxWidth: 900, margin: "0 auto", display: "flex" }}>
      {back}
      <Card size="small">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}：{cn(task.courseName, task.courseNameEn)}
        </Typography.Title>
        <Typography.Text type="secondary">
          {tf("section")}：{task.sectionCode} · {task.campaignName}
        </Typography.Text>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, margin: "8px 0 0" }}>
          {t("named")}
        </Typography.Paragraph>
      </Card>
      {form.data ? (
        <SurveyForm
          texts={surveyTexts}
          survey={form.data.survey}
          locale={locale}
          mode="respond"
          draftKey={`self:${task.campaignId}:${task.versionId}:${targetId}`}
          onComplete={onComplete}
        />
      ) : (
        <Spin />
      )}
    </Space>
  );
}
