"use client";
// The SurveyJS form itself. Pages load it through SurveyForm.tsx (next/dynamic, ssr:false),
// so survey-core, survey-react-ui and their CSS reach the browser only on pages that
// render a survey; the student's answer page, which is the form, imports it directly
// (app/_student/RespondForm.tsx). Either way the model is made in an effect: SurveyJS
// renders in the browser only. Plain React around SurveyJS (no UI kit,
// no message catalogue: the caller passes its few texts), so the student's answer page
// costs little more than SurveyJS itself.
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { CustomError, Model, Serializer, surveyLocalization, type Question, type SurveyError, type SurveyModel } from "survey-core";
import "survey-core/i18n/simplified-chinese";
import { Survey } from "survey-react-ui";
import { safeMarkup, safeSurvey } from "@/server/shared/instruments/markup";
import "survey-core/survey-core.fontless.css";
import "./survey.css";
import { clearDraft, readDraft, writeDraft } from "./draft";
import { refuseOverLongText } from "./lengthLimit";
import { SurveySkeleton } from "./SurveySkeleton";
import { SURVEY_THEME } from "./theme";
import type { ServerQuestionError, SurveyAnswers, SurveyFormProps, SurveyLocale } from "./types";

// Our instrument files keep Chinese under "default" (and English under "en"). SurveyJS
// reads "default" for its default locale, which is English unless told otherwise: with
// "en" as default, survey.locale = "en" would show the Chinese "default" strings. Making
// Simplified Chinese the default locale gives zh → "default" strings + Chinese UI texts,
// en → "en" strings + English UI texts.
surveyLocalization.defaultLocale = "zh-cn";

// Rating scales as buttons that wrap onto more lines on a narrow screen, rather than
// SurveyJS's "auto", which turns a scale that does not fit into a dropdown on phones:
// every point of the scale stays one tap away.
const ratingDisplayMode = Serializer.findProperty("rating", "displayMode");
if (ratingDisplayMode) ratingDisplayMode.defaultValue = "buttons";

const SURVEY_LOCALE: Record<SurveyLocale, string> = { zh: "zh-cn", en: "en" };

/**
 * Every piece of HTML SurveyJS renders (html elements, completedHtml and its conditions,
 * completedBeforeHtml, loadingHtml) passes through processHtml; its output, answers already
 * put in, is reduced to the instruments' allow-list (server/shared/instruments/markup.ts). The
 * checker refuses such markup on the way in; this holds for versions stored before it or
 * written to the database by hand. No onTextMarkdown handler is registered, so every other
 * text renders as text; should one ever be, what it makes is reduced the same way.
 */
class SafeModel extends Model {
  processHtml(html: string, reason?: string): string {
    return safeMarkup(super.processHtml(html, reason));
  }

  getSurveyMarkdownHtml(...args: Parameters<Model["getSurveyMarkdownHtml"]>): string {
    const html = super.getSurveyMarkdownHtml(...args);
    return typeof html === "string" ? safeMarkup(html) : html;
  }
}

/** The question a server error points at: "q", "q-Comment", "q.row", "q/row", "q[row]" all name question "q". */
function findQuestion(survey: SurveyModel, ref: string): Question | null {
  for (const name of [ref, ref.replace(/-Comment$/, ""), ref.split(/[./[]/)[0]]) {
    const q = name ? survey.getQuestionByName(name) : null;
    if (q) return q;
  }
  return null;
}

/** Gives the model the answers it does not have yet (or has otherwise): each goes through onValueChanged, so it is kept in the draft too. */
function takeAnswers(model: SurveyModel, answers: SurveyAnswers) {
  for (const [name, value] of Object.entries(answers)) {
    if (!model.getQuestionByName(name)) continue;
    if (JSON.stringify(model.getValue(name)) !== JSON.stringify(value)) model.setValue(name, value);
  }
}

export default function SurveyFormImpl({ survey: json, locale, mode = "respond", draftKey, onComplete, texts, early }: SurveyFormProps) {
  const textsRef = useRef(texts);
  textsRef.current = texts;
  const t = (
    key: "draftRestored" | "submitFailed" | "serverRejected" | "tooLong",
    values: { count?: number; max?: number; length?: number } = {},
  ) => textsRef.current[key].replace(/\{(count|max|length)\}/g, (_, k: "count" | "max" | "length") => String(values[k] ?? 0));
  const [model, setModel] = useState<SurveyModel | null>(null);
  const [banner, setBanner] = useState<{ type: "error" | "info"; text: string } | null>(null);
  const onCompleteRef = useRef(onComplete);
  onCompleteRef.current = onComplete;
  const localeRef = useRef(locale);
  localeRef.current = locale;
  const tRef = useRef(t);
  tRef.current = t;
  const keepDraft = mode === "respond" && draftKey ? draftKey : null;
  const earlyRef = useRef(early);
  earlyRef.current = early;
  const rootRef = useRef<HTMLDivElement>(null);

  // One model per survey JSON (and draft key); the language is switched on the live model below.
  useEffect(() => {
    const m = new SafeModel(safeSurvey(json));
    m.locale = SURVEY_LOCALE[localeRef.current];
    m.applyTheme(SURVEY_THEME);
    // Answers of questions that get hidden are dropped at once, so what is sent (and kept
    // as a draft) is what the respondent sees.
    m.clearInvisibleValues = "onHiddenContainer";
    refuseOverLongText(m, (max, length) => tRef.current("tooLong", { max, length }));

    if (keepDraft) {
      const draft = readDraft(keepDraft);
      if (draft) {
        m.data = draft.data;
        if (draft.page > 0 && draft.page < m.visiblePages.length) m.currentPageNo = draft.page;
        setBanner({ type: "info", text: t("draftRestored") });
      }
      const save = (s: SurveyModel) => {
        if (s.state !== "completed") writeDraft(keepDraft, s.data as SurveyAnswers, s.currentPageNo);
      };
      m.onValueChanged.add(save);
      m.onCurrentPageChanged.add(save);
    }
    // What was answered on the plain first page comes after the draft: it is newer.
    if (earlyRef.current) takeAnswers(m, earlyRef.current.read());

    // Errors the server reported last time: removed before the next attempt.
    let shown: { question: Question; error: SurveyError }[] = [];
    const clearServerErrors = () => {
      for (const { question, error } of shown) question.removeError(error);
      shown = [];
    };
    const showServerErrors = (s: SurveyModel, errors: ServerQuestionError[]) => {
      const unplaced: string[] = [];
      let first: Question | null = null;
      for (const e of errors) {
        const q = findQuestion(s, e.question);
        if (!q || !q.isVisible) {
          unplaced.push(e.message);
          continue;
        }
        const error = new CustomError(e.message, q);
        q.addError(error);
        shown.push({ question: q, error });
        first ??= q;
      }
      setBanner({ type: "error", text: [t("serverRejected", { count: errors.length }), ...unplaced].join(" ") });
      if (first) s.focusQuestionByInstance(first, true);
    };

    // The server has the last word: completion waits for onComplete, and a refusal keeps
    // the form open with each error at its question. The handler never throws, or
    // SurveyJS would keep navigation blocked.
    m.onCompleting.add(async (s, options) => {
      clearServerErrors();
      setBanner(null);
      let result;
      try {
        result = await onCompleteRef.current(s.data as SurveyAnswers);
      } catch (e) {
        options.allow = false;
        setBanner({ type: "error", text: `${t("submitFailed")} ${e instanceof Error ? e.message : ""}`.trim() });
        return;
      }
      if (result.ok) {
        if (keepDraft) clearDraft(keepDraft);
        return;
      }
      options.allow = false;
      showServerErrors(s, result.errors);
      if (result.message) setBanner((b) => ({ type: "error", text: `${result.message} ${b?.text ?? ""}`.trim() }));
    });

    setModel(m);
    return () => {
      m.dispose();
    };
  }, [json, keepDraft]);

  // The frame the form first shows in: whatever was tapped on the plain copy since the model
  // was made is taken too, the copy hides (its owner's state update in a layout effect is
  // applied before the browser paints, so the two never show together and no tap falls
  // between them), and the control that had the focus has it again. A tap on the copy's
  // "next" or "complete" (kept by the page, shown as pending) is carried out as SurveyJS's
  // button would: the page is validated first, and an answer missing shows its error.
  useLayoutEffect(() => {
    const e = earlyRef.current;
    if (!model || !e) return;
    takeAnswers(model, e.read());
    const focused = e.focused();
    // Only from the page the copy showed (a kept draft may open SurveyJS on a later one).
    const nav = model.currentPageNo === 0 ? e.navRequested() : null;
    e.onShown();
    if (focused) {
      const q = `.sd-question[data-name="${CSS.escape(focused)}"]`;
      const control = rootRef.current?.querySelector<HTMLTextAreaElement | HTMLInputElement>(
        `${q} textarea, ${q} .sd-item--checked input, ${q} .sd-rating__item--selected input`,
      );
      control?.focus({ preventScroll: true });
      if (control instanceof HTMLTextAreaElement) control.setSelectionRange(control.value.length, control.value.length);
    }
    if (nav === "next") model.performNext();
    else if (nav === "complete") model.tryComplete();
  }, [model]);

  useEffect(() => {
    if (!model || model.locale === SURVEY_LOCALE[locale] || (locale === "zh" && !model.locale)) return;
    model.locale = SURVEY_LOCALE[locale];
    model.updateProgressText(); // "第 1 页, 共 2 页" is cached and not redone by the locale change
  }, [model, locale]);

  // data-survey-ready: SurveyJS has mounted and shows the form (the plain copy, if any, is
  // hidden and its answers taken): what the journeys wait for (e2e/fill.ts).
  return (
    <div
      className="tqe-survey"
      data-testid="survey-form"
      data-mode={mode}
      data-locale={locale}
      ref={rootRef}
      data-survey-ready={model ? "true" : undefined}
    >
      {banner && (
        <div
          role={banner.type === "error" ? "alert" : "status"}
          className={`tqe-survey-banner tqe-survey-banner--${banner.type}`}
          data-testid={banner.type === "error" ? "survey-server-errors" : "survey-draft-restored"}
        >
          <span>{banner.text}</span>
          <button type="button" aria-label="×" onClick={() => setBanner(null)}>
            ×
          </button>
        </div>
      )}
      {model ? <Survey model={model} /> : early ? null : <SurveySkeleton />}
    </div>
  );
}
