"use client";
import { useTranslations } from "next-intl";
import type { SurveyTexts } from "./types";

/** The survey form's texts from the message catalogue, for pages that have it (not the student's pages: they get them from the server). */
export function useSurveyTexts(): SurveyTexts {
  const t = useTranslations("respond");
  return {
    draftRestored: t("draftRestored"),
    submitFailed: t("submitFailed"),
    serverRejected: t.raw("serverRejected") as string,
    tooLong: t.raw("tooLong") as string,
  };
}
