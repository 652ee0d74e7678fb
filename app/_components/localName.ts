"use client";
import { useLocale } from "next-intl";
import { localName } from "@/server/shared/i18n/names";

/** A name in the page's language: English where there is one, the Chinese name otherwise (server/shared/i18n/names.ts). */
export function useLocalName() {
  const locale = useLocale();
  return (zh: string | null | undefined, en?: string | null) => localName(locale, zh, en);
}
