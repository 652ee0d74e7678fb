import { createTranslator } from "next-intl";
import { isMessageKey, messages, type Locale, type MessageKey } from "./messages";

export type MessageParams = Record<string, string | number>;

// Server-side translation outside React (errors, exports, e-mails), with the keys the pages use.
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const t = createTranslator({ locale, messages: messages[locale] });
  try {
    return (t as (k: MessageKey, p?: MessageParams) => string)(key, params);
  } catch {
    return key;
  }
}

/** A code that reached us as text (zod issue messages, import problems): its message, or the code itself. */
export function translateCode(locale: Locale, code: string, params?: MessageParams): string {
  return isMessageKey(code) ? translate(locale, code, params) : code;
}
