"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Card, Descriptions, Result, Space, Spin, Tag, Typography } from "antd";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { BEIJING_TIME_ZONE } from "@/server/kernel/time";
import { completeWith } from "../../../../_components/respond/complete";
import { SurveyForm, type SurveyAnswers } from "../../../../_components/survey/SurveyForm";
import { useSurveyTexts } from "../../../../_components/survey/useSurveyTexts";
import { useLocalName } from "../../../../_components/localName";
import { useTRPC } from "../../../../_components/trpc";
import { BackLink } from "../../../../_components/BackLink";

/**
 * A unit's checklist (named: the unit's report, submitted by its admin): the respondent form
 * with SurveyJS's theme until it is submitted (a draft stays on this device), then the
 * answers as submitted, with who and when.
 */
export function ChecklistView({ inspectionId, unitId }: { inspectionId: number; unitId: number }) {
  const t = useTranslations("inspections");
  const cn = useLocalName();
  const surveyTexts = useSurveyTexts();
  const locale = useLocale() === "en" ? "en" : "zh";
  const format = useFormatter();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const checklist = useQuery(trpc.inspections.checklist.queryOptions({ inspectionId, unitId }));
  const submit = useMutation(trpc.inspections.submit.mutationOptions());
  const back = <BackLink href={"/inspections"}>{t("mine.back")}</BackLink>;
  if (checklist.error)
    return (
      <Space orientation="vertical">
        {back}
        <Alert type="error" showIcon title={checklist.error.message} />
      </Space>
    );
  const c = checklist.data;
  if (!c) return <Spin />;
  const onComplete = completeWith<SurveyAnswers>(
    (answers) => submit.mutateAsync({ inspectionId, unitId, answers }),
    () => void qc.invalidateQueries({ queryKey: trpc.inspections.pathKey() }),
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%", maxWidth: 900, margin: "0 auto", display: "flex" }}>
      {back}
      <Card size="small">
        <Space wrap size={6}>
          <Tag color="blue">{t(`phases.${c.phase}`)}</Tag>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="checklist-title">
            {c.name}
          </Typography.Title>
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0" }}>
          {cn(c.unitName, c.unitNameEn)} · {t("mine.deadline", { deadline: c.deadline })} ·{" "}
          <Tag color={c.status === "submitted" ? "green" : c.status === "overdue" ? "red" : "default"} data-testid="checklist-status">
            {t(`statuses.${c.status}`)}
          </Tag>
        </Typography.Paragraph>
        {c.status !== "submitted" && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 13, margin: "8px 0 0" }}>
            {t("mine.named")}
          </Typography.Paragraph>
        )}
      </Card>
      {c.status === "submitted" ? (
        <Card size="small" data-testid="checklist-submitted">
          <Result
            status="success"
            title={t("mine.submittedAt", {
              at: format.dateTime(new Date(c.submittedAt ?? 0), { dateStyle: "medium", timeStyle: "short", timeZone: BEIJING_TIME_ZONE }),
            })}
          />
          <Descriptions size="small" column={1} bordered>
            {c.readable.map((a) => (
              <Descriptions.Item key={a.name} label={a.title}>
                {a.text}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </Card>
      ) : (
        <SurveyForm
          texts={surveyTexts}
          survey={c.survey}
          locale={locale}
          mode="respond"
          draftKey={`inspection:${inspectionId}:${unitId}:${c.versionId}`}
          onComplete={onComplete}
        />
      )}
    </Space>
  );
}
