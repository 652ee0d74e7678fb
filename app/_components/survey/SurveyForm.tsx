"use client";
// The respondent form. This file is all a page imports: survey-core and survey-react-ui
// live in SurveyFormImpl, which next/dynamic loads in the browser only (ssr: false), in
// its own chunk, after the page has rendered. Pages that don't render a survey never
// fetch any of it; pages that do show a skeleton until it has loaded.
import dynamic from "next/dynamic";
import { SurveySkeleton } from "./SurveySkeleton";
import type { SurveyFormProps } from "./types";

export type { CompleteResult, ServerQuestionError, SurveyAnswers, SurveyFormProps, SurveyJson, SurveyLocale, SurveyTexts } from "./types";

export const SurveyForm = dynamic<SurveyFormProps>(() => import("./SurveyFormImpl"), {
  ssr: false,
  loading: () => <SurveySkeleton />,
});
