"use client";
import { ArrowLeftOutlined, CheckCircleFilled, CloseCircleFilled } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { Alert, Button, Card, Segmented, Space, Tag, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { SurveyForm, type SurveyAnswers, type SurveyJson, type SurveyLocale } from "../../../../../../_components/survey/SurveyForm";
import { useSurveyTexts } from "../../../../../../_components/survey/useSurveyTexts";
import { useTRPC } from "../../../../../../_components/trpc";

export type PreviewVersion = {
  id: number;
  version: number;
  status: "draft" | "approved" | "retired";
  instrumentId: number;
  name: { zh: string; en: string };
  survey: SurveyJson;
};

type Verdict = { ok: boolean; errors: { question: string; code?: string; message: string }[] };

const STATUS_COLOR = { draft: "gold", approved: "green", retired: "default" } as const;

/** The instrument version's form exactly as respondents see it; completing it asks the server for its verdict. Nothing is stored. */
export function PreviewView({ version: v }: { version: PreviewVersion }) {
  const t = useTranslations("respond.preview");
  const surveyTexts = useSurveyTexts();
  const appLocale = useLocale();
  const trpc = useTRPC();
  const [locale, setLocale] = useState<SurveyLocale>(appLocale === "en" ? "en" : "zh");
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [run, setRun] = useState(0);
  const check = useMutation(trpc.respond.checkPreview.mutationOptions());

  const onComplete = async (answers: SurveyAnswers) => {
    setVerdict(null);
    const r = await check.mutateAsync({ versionId: v.id, answers, locale });
    setVerdict(r);
    return r.ok ? { ok: true as const } : { ok: false as const, errors: r.errors };
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%", maxWidth: 900, margin: "0 auto", display: "flex" }}>
      <Card size="small" styles={{ body: { padding: "12px 16px" } }}>
        <Space orientation="vertical" size={8} style={{ width: "100%" }}>
          <Space align="start" style={{ width: "100%", justifyContent: "space-between" }}>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="preview-name">
              {v.name[locale] || v.name.zh}
            </Typography.Title>
            <Button
              type="link"
              size="small"
              icon={<ArrowLeftOutlined />}
              href={`/admin/instruments/${v.instrumentId}?v=${v.id}`}
              style={{ paddingInline: 0 }}
            >
              {t("backToInstrument")}
            </Button>
          </Space>
          <Space wrap size={[8, 8]}>
            <Tag data-testid="preview-version">{t("version", { version: v.version })}</Tag>
            <Tag color={STATUS_COLOR[v.status]} data-testid="preview-status">
              {t(`statuses.${v.status}`)}
            </Tag>
            <Segmented<SurveyLocale>
              aria-label={t("language")}
              data-testid="preview-locale"
              value={locale}
              onChange={setLocale}
              options={[
                { value: "zh", label: "中文" },
                { value: "en", label: "English" },
              ]}
            />
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {t("nothingStored")}
          </Typography.Text>
        </Space>
      </Card>

      <SurveyForm texts={surveyTexts} key={run} survey={v.survey} locale={locale} mode="preview" onComplete={onComplete} />

      {check.isPending && <Alert type="info" showIcon title={t("checking")} />}
      {verdict && (
        <Card size="small" data-testid="preview-verdict" data-verdict={verdict.ok ? "valid" : "invalid"}>
          {verdict.ok ? (
            <Space wrap style={{ width: "100%", justifyContent: "space-between" }}>
              <Typography.Text strong style={{ color: "#389e0d" }}>
                <CheckCircleFilled /> {t("verdictValid")}
              </Typography.Text>
              <Button
                onClick={() => {
                  setVerdict(null);
                  setRun((n) => n + 1);
                }}
                data-testid="preview-again"
              >
                {t("fillAgain")}
              </Button>
            </Space>
          ) : (
            <>
              <Typography.Text strong type="danger">
                <CloseCircleFilled /> {t("verdictInvalid", { count: verdict.errors.length })}
              </Typography.Text>
              <ul data-testid="preview-errors" style={{ margin: "8px 0 0", paddingInlineStart: 20 }}>
                {verdict.errors.map((e, i) => (
                  <li key={i} style={{ marginBottom: 4, overflowWrap: "anywhere" }}>
                    <Typography.Text code>{e.question}</Typography.Text> {e.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
      )}
    </Space>
  );
}
