"use client";
// One evaluation: the SurveyJS form, submitted anonymously with this device's token. The
// form is what this page is for, so SurveyJS is among the page's own scripts (imported
// here, not through SurveyForm's next/dynamic): the browser fetches it with the rest of the
// page, in parallel, instead of after hydration. It still renders in the browser only (the
// model is made in an effect), after this device's tokens are read.
//
// Until then the page shows its first page as plain HTML (`plainHtml`, rendered on the server
// by server/instruments/plain.ts, with native controls that work before any script runs):
// a respondent on a slow phone can answer at once. When SurveyJS mounts it takes those
// answers as its data and the plain copy hides (SurveyFormImpl's `early`).
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { submitWithToken } from "../_components/respond/collect";
import { completeWith } from "../_components/respond/complete";
import { useCampaignTokens } from "../_components/respond/useCampaignTokens";
import { readDraft } from "../_components/survey/draft";
import { focusedPlainQuestion, plainNavRequested, readPlainAnswers, showDraftOnPlain } from "../_components/survey/early";
import SurveyForm from "../_components/survey/SurveyFormImpl";
import { SurveySkeleton } from "../_components/survey/SurveySkeleton";
import type { EarlyAnswers, SurveyAnswers, SurveyJson, SurveyTexts } from "../_components/survey/types";
import "../_components/survey/plain.css";
import type { PendingTexts } from "./PendingList";

export type RespondTexts = {
  form: Record<"back" | "teacher" | "section" | "noToken" | "alreadySubmitted" | "alreadyDeclined" | "next" | "doneAll", string>;
  pending: PendingTexts;
  survey: SurveyTexts;
};

type Props = {
  campaign: { campaignId: number; versionId: number; targets: { targetId: number; issued: boolean; courseName: string }[] };
  target: { targetId: number; courseName: string; teacherName: string; sectionCode: string };
  survey: SurveyJson;
  texts: RespondTexts;
  locale: "zh" | "en";
  /** The survey's first page as plain HTML (server/instruments/plain.ts), or null when it cannot be shown exactly. */
  plainHtml: string | null;
};

export function RespondForm({ campaign, target, survey, texts, locale, plainHtml }: Props) {
  const { campaignId, targetId } = { campaignId: campaign.campaignId, targetId: target.targetId };
  const t = texts.form;
  const tokens = useCampaignTokens(campaign);
  const [done, setDone] = useState(false);
  const back = (
    <Link href="/home" className="s-back">
      ← {t.back}
    </Link>
  );
  const status = tokens.statusOf(targetId);
  const draftKey = `${campaignId}:${campaign.versionId}:${targetId}`;

  // The plain first page: its markup is the server's and React never re-renders it (the same
  // string every render), so what the respondent does in it stays in the page until SurveyJS
  // takes it. A kept draft is shown in it too, where nothing was tapped yet.
  const plainRef = useRef<HTMLDivElement>(null);
  const [surveyShown, setSurveyShown] = useState(false);
  const plainMarkup = useMemo(() => (plainHtml ? { __html: plainHtml } : null), [plainHtml]);
  useEffect(() => {
    const draft = plainRef.current && readDraft(draftKey);
    if (draft && plainRef.current) showDraftOnPlain(plainRef.current, draft.data);
  }, [draftKey]);
  const early = useMemo<EarlyAnswers | undefined>(
    () =>
      plainMarkup
        ? {
            read: () => (plainRef.current ? readPlainAnswers(plainRef.current) : {}),
            focused: () => (plainRef.current ? focusedPlainQuestion(plainRef.current) : null),
            navRequested: () => (plainRef.current ? plainNavRequested(plainRef.current) : null),
            onShown: () => setSurveyShown(true),
          }
        : undefined,
    [plainMarkup],
  );

  if (tokens.loaded && (done || status === "submitted" || status === "declined")) {
    const next = campaign.targets.find((x) => x.targetId !== targetId && tokens.statusOf(x.targetId) === "todo");
    return (
      <section className="s-card s-result" data-testid="respond-done">
        <div className="s-result__icon" aria-hidden="true">
          ✓
        </div>
        <h1 className="s-title">
          {done ? texts.pending.states.submitted : status === "declined" ? t.alreadyDeclined : t.alreadySubmitted}
        </h1>
        <p className="s-muted">
          {target.courseName}（{target.teacherName}）
        </p>
        {next ? (
          <Link href={`/respond/${campaignId}/${next.targetId}`} className="s-btn s-btn--primary">
            {t.next}（{next.courseName}）
          </Link>
        ) : (
          <Link href="/home" className="s-btn s-btn--primary">
            {t.doneAll}
          </Link>
        )}
      </section>
    );
  }

  const onComplete = completeWith<SurveyAnswers>(
    (answers) => submitWithToken(targetId, { answers, locale }),
    async () => {
      await tokens.reload();
      setDone(true);
    },
  );

  return (
    <div className="s-stack s-form">
      {back}
      <section className="s-card">
        <h1 className="s-title" data-testid="respond-course">
          {target.courseName}
        </h1>
        <div className="s-muted s-item__meta">
          <span>
            {t.teacher}：{target.teacherName}
          </span>
          <span>
            {t.section}：{target.sectionCode}
          </span>
        </div>
        <p className="s-muted s-small">{texts.pending.anonymous}</p>
      </section>
      {tokens.busy && <p className="s-note s-note--info">{texts.pending.preparing}</p>}
      {tokens.error && (
        <p className="s-note s-note--error" role="alert">
          {texts.pending.prepareFailed.replace("{error}", tokens.error)}
        </p>
      )}
      {tokens.loaded && (status === "elsewhere" || (status === "pending" && !tokens.busy)) ? (
        <p className="s-note s-note--warning" role="alert">
          {t.noToken}
        </p>
      ) : (
        <>
          {plainMarkup && (
            <div
              ref={plainRef}
              className="tqe-survey tqe-plain"
              data-testid="plain-form"
              hidden={surveyShown}
              dangerouslySetInnerHTML={plainMarkup}
            />
          )}
          {tokens.loaded && status === "todo" ? (
            <SurveyForm
              survey={survey}
              locale={locale}
              mode="respond"
              texts={texts.survey}
              draftKey={draftKey}
              onComplete={onComplete}
              early={early}
            />
          ) : (
            !plainMarkup && <SurveySkeleton />
          )}
        </>
      )}
    </div>
  );
}
