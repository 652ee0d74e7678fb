"use client";
import { SafetyCertificateOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Card, Result, Space, Spin, Typography } from "antd";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { LocaleSwitch } from "../../_components/LocaleSwitch";
import { submitWithToken } from "../../_components/respond/collect";
import { obtainTokens } from "../../_components/respond/obtain";
import { completeWith } from "../../_components/respond/complete";
import { getTokens, type TokenState } from "../../_components/respond/tokenStore";
import { SurveyForm, type SurveyAnswers } from "../../_components/survey/SurveyForm";
import { useSurveyTexts } from "../../_components/survey/useSurveyTexts";
import { useTRPC } from "../../_components/trpc";
import { at } from "@/server/shared/indexed";

export function InvitationView({ token }: { token: string }) {
  const t = useTranslations("respond.invitation");
  const surveyTexts = useSurveyTexts();
  const fmt = useFormatter();
  const locale = useLocale() === "en" ? "en" : "zh";
  const trpc = useTRPC();
  const inv = useQuery({
    ...trpc.respond.invitation.queryOptions({ token }),
    retry: false,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const issue = useMutation(trpc.respond.invitationIssue.mutationOptions());
  const [local, setLocal] = useState<TokenState | "none" | null>(null);
  const started = useRef(false);
  const d = inv.data;

  // Opening the link obtains nothing: the token is obtained when the answers are sent, so a
  // link opened on one device can still be answered on another.
  useEffect(() => {
    if (!d || started.current) return;
    started.current = true;
    void getTokens([d.targetId]).then((m) => setLocal(m.get(d.targetId)?.state ?? "none"));
  }, [d]);

  const onComplete = completeWith<SurveyAnswers>(
    async (answers) => {
      if (!d) throw new Error("the invitation is not loaded");
      if (!(await getTokens([d.targetId])).has(d.targetId)) {
        await obtainTokens(
          d.campaignId,
          [d.targetId],
          async (blinded) => (await issue.mutateAsync({ token, blindedMsg: at(blinded, 0).blindedMsg })).signatures,
        );
      }
      return submitWithToken(d.targetId, { answers, locale });
    },
    () => setLocal("submitted"),
  );

  let body;
  if (inv.isLoading || (d && local === null))
    body = (
      <Spin tip={t("preparing")}>
        <div style={{ minHeight: 80 }} />
      </Spin>
    );
  else if (inv.error || !d) body = <Result status="warning" title={t("notFound")} data-testid="invitation-state" />;
  else if (local === "submitted" || local === "declined")
    body = <Result status="success" title={t("thanks")} data-testid="invitation-state" />;
  else if ((local === "ready" || (local === "none" && d.state === "ready")) && d.state !== "closed") {
    body = (
      <SurveyForm
        texts={surveyTexts}
        survey={d.form.survey}
        locale={locale}
        mode="respond"
        draftKey={`inv:${d.campaignId}:${d.versionId}:${d.targetId}`}
        onComplete={onComplete}
      />
    );
  } else body = <Result status="info" title={d.state === "closed" ? t("closed") : t("used")} data-testid="invitation-state" />;

  return (
    <main style={{ maxWidth: 900, margin: "0 auto", padding: "16px 12px 48px" }}>
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Space style={{ width: "100%", justifyContent: "space-between" }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {d ? (locale === "en" && d.form.nameEn) || d.form.name : t("title")}
          </Typography.Title>
          <LocaleSwitch />
        </Space>
        {d && (
          <Card size="small">
            <Typography.Paragraph style={{ marginBottom: 4 }}>
              {t("intro", { campaign: d.campaignName, target: d.targetLabel })}
            </Typography.Paragraph>
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              <SafetyCertificateOutlined /> {t("closes", { date: fmt.dateTime(d.closesAt, { dateStyle: "medium", timeStyle: "short" }) })}
            </Typography.Text>
          </Card>
        )}
        {body}
      </Space>
    </main>
  );
}
