"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Form, Result, Select, Space, Spin, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { completeWith } from "../../../_components/respond/complete";
import { SurveyForm, type SurveyAnswers } from "../../../_components/survey/SurveyForm";
import { useSurveyTexts } from "../../../_components/survey/useSurveyTexts";
import { useTRPC } from "../../../_components/trpc";
import { useLocalName } from "../../../_components/localName";
import { BackLink } from "../../../_components/BackLink";

/**
 * An information officer's report (named): optionally about one of their sections (the
 * report then goes to the unit offering the course), then the campaign's instrument.
 * Any number of reports while the campaign is open.
 */
export function ReportView({ campaignId }: { campaignId: number }) {
  const t = useTranslations("respond.report");
  const cn = useLocalName();
  const surveyTexts = useSurveyTexts();
  const locale = useLocale() === "en" ? "en" : "zh";
  const trpc = useTRPC();
  const qc = useQueryClient();
  const campaigns = useQuery(trpc.respond.reportCampaigns.queryOptions());
  const c = campaigns.data?.find((x) => x.campaignId === campaignId);
  const form = useQuery({
    ...trpc.respond.form.queryOptions({ versionId: c?.versionId ?? 0 }),
    enabled: !!c?.versionId,
    staleTime: Infinity,
  });
  const submit = useMutation(trpc.respond.report.mutationOptions());
  const [sectionId, setSectionId] = useState<number | null>(null);
  const [done, setDone] = useState(0);
  const [showing, setShowing] = useState<"form" | "done">("form");

  const back = <BackLink href={"/home"}>{t("back")}</BackLink>;
  if (campaigns.isLoading) return <Spin />;
  if (!c)
    return (
      <Space orientation="vertical">
        {back}
        <Alert type="warning" showIcon title={t("errors.notFound")} />
      </Space>
    );
  if (showing === "done") {
    return (
      <Card>
        <Result
          status="success"
          title={t("submitted")}
          data-testid="report-submitted"
          extra={
            <Space wrap>
              {back}
              <Button
                type="primary"
                data-testid="report-another"
                onClick={() => {
                  setSectionId(null);
                  setShowing("form");
                }}
              >
                {t("another")}
              </Button>
            </Space>
          }
        />
      </Card>
    );
  }
  const onComplete = completeWith<SurveyAnswers>(
    (answers) => submit.mutateAsync({ campaignId, sectionId, answers }),
    () => {
      setDone((n) => n + 1);
      setShowing("done");
      void qc.invalidateQueries({ queryKey: trpc.respond.reportCampaigns.queryKey() });
    },
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%", maxWidth: 900, margin: "0 auto", display: "flex" }}>
      {back}
      <Card size="small">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {c.name}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, margin: "8px 0" }}>
          {t("named")}
        </Typography.Paragraph>
        <Form layout="vertical" style={{ maxWidth: 480 }}>
          <Form.Item label={t("section")} extra={t("sectionHelp")} style={{ marginBottom: 0 }}>
            <Select
              data-testid="report-section"
              value={sectionId ?? 0}
              onChange={(v) => setSectionId(v === 0 ? null : v)}
              options={[
                { value: 0, label: t("noSection") },
                ...c.sections.map((x) => ({ value: x.sectionId, label: `${cn(x.courseName, x.courseNameEn)} · ${x.sectionCode}` })),
              ]}
            />
          </Form.Item>
        </Form>
      </Card>
      {form.data ? (
        <SurveyForm
          key={done}
          texts={surveyTexts}
          survey={form.data.survey}
          locale={locale}
          mode="respond"
          draftKey={`report:${campaignId}:${c.versionId}`}
          onComplete={onComplete}
        />
      ) : (
        <Spin />
      )}
    </Space>
  );
}
