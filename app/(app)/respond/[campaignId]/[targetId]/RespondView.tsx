"use client";
import { ArrowLeftOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Result, Space, Spin, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { submitWithToken } from "../../../../_components/respond/collect";
import { completeWith } from "../../../../_components/respond/complete";
import { useCampaignTokens } from "../../../../_components/respond/useCampaignTokens";
import { SurveyForm, type SurveyAnswers } from "../../../../_components/survey/SurveyForm";
import { useTRPC } from "../../../../_components/trpc";
import { useLocalName } from "../../../../_components/localName";

/** One evaluation: the SurveyJS form, submitted anonymously with this device's token. */
export function RespondView({ campaignId, targetId }: { campaignId: number; targetId: number }) {
  const t = useTranslations("respond.form");
  const tp = useTranslations("respond.pending");
  const cn = useLocalName();
  const locale = useLocale() === "en" ? "en" : "zh";
  const trpc = useTRPC();
  const pending = useQuery(trpc.respond.pending.queryOptions());
  const campaign = pending.data?.find((c) => c.campaignId === campaignId);
  const target = campaign?.targets.find((x) => x.targetId === targetId);
  const form = useQuery({ ...trpc.respond.form.queryOptions({ versionId: campaign?.versionId ?? 0 }), enabled: !!campaign, staleTime: Infinity });
  const tokens = useCampaignTokens(campaign);
  const [done, setDone] = useState(false);

  const back = <Link href="/home"><Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>{t("back")}</Button></Link>;
  if (pending.isLoading || (campaign && !tokens.loaded)) return <Spin />;
  if (!campaign || !target) return <Space orientation="vertical">{back}<Alert type="warning" showIcon title={t("notFound")} /></Space>;

  const status = tokens.statusOf(targetId);
  const remaining = campaign.targets.filter((x) => x.targetId !== targetId && tokens.statusOf(x.targetId) === "todo");

  const onComplete = completeWith<SurveyAnswers>((answers) => submitWithToken(targetId, { answers, locale }), async () => {
    await tokens.reload();
    setDone(true);
  });

  if (done || status === "submitted" || status === "declined") {
    const next = remaining[0];
    return (
      <Card>
        <Result status="success" title={done ? tp("states.submitted") : status === "declined" ? t("alreadyDeclined") : t("alreadySubmitted")}
          subTitle={`${cn(target.courseName, target.courseNameEn)}（${target.teacherName}）`}
          extra={next
            ? <Link href={`/respond/${campaignId}/${next.targetId}`}><Button type="primary">{t("next")}（{cn(next.courseName, next.courseNameEn)}）</Button></Link>
            : <Link href="/home"><Button type="primary">{t("doneAll")}</Button></Link>} />
      </Card>
    );
  }

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%", maxWidth: 900, margin: "0 auto", display: "flex" }}>
      {back}
      <Card size="small">
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="respond-course">{cn(target.courseName, target.courseNameEn)}</Typography.Title>
        <Space wrap size={[16, 4]} style={{ marginTop: 4 }}>
          <Typography.Text type="secondary">{t("teacher")}：{target.teacherName}</Typography.Text>
          <Typography.Text type="secondary">{t("section")}：{target.sectionCode}</Typography.Text>
        </Space>
        <div style={{ marginTop: 8 }}><Typography.Text type="secondary" style={{ fontSize: 13 }}><SafetyCertificateOutlined /> {tp("anonymous")}</Typography.Text></div>
      </Card>
      {tokens.busy && <Alert type="info" showIcon title={tp("preparing")} />}
      {tokens.error && <Alert type="error" showIcon title={tp("prepareFailed", { error: tokens.error })} />}
      {status === "elsewhere" || (status === "pending" && !tokens.busy)
        ? <Alert type="warning" showIcon title={t("noToken")} />
        : status === "todo" && form.data
          ? <SurveyForm survey={form.data.survey} locale={locale} mode="respond"
              draftKey={`${campaignId}:${campaign.versionId}:${targetId}`} onComplete={onComplete} />
          : <Spin />}
    </Space>
  );
}
