import { createTranslator } from "next-intl";
import { messages, type Locale } from "./messages";

// Server-side translation outside React (errors, exports, e-mails).
export function translate(locale: Locale, key: string, params?: Record<string, string | number>): string {
  const t = createTranslator({ locale, messages: messages[locale] as Record<string, unknown> });
  try {
    return (t as (k: string, p?: Record<string, string | number>) => string)(key, params);
  } catch {
    return key;
  }
}
