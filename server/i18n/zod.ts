import { z, type ZodError } from "zod";
import type { Locale } from "./messages";

// The one path of input validation errors (zod) to the user's language, for the tRPC error
// formatter (server/api/trpc.ts) and the route handlers (server/http/route.ts) alike: zod's own
// messages in the locale's language, each after the path of the field it is about.

const zodLocales = { zh: z.locales.zhCN(), en: z.locales.en() };

/** Every issue of `error` as "path: message" in the user's language, joined by "; ". */
export function describeZod(error: ZodError, locale: Locale): string {
  const fmt = zodLocales[locale].localeError;
  return error.issues
    .map((i) => {
      const msg = typeof fmt === "function" ? (fmt(i as never) as string | { message: string } | undefined) : undefined;
      const text = typeof msg === "string" ? msg : (msg?.message ?? i.message);
      return i.path.length ? `${i.path.join(".")}: ${text}` : text;
    })
    .join("; ");
}

/** Per-field messages (by dotted path), so forms can show them beside the field. */
export function zodFields(error: ZodError): Record<string, string> {
  return Object.fromEntries(error.issues.map((i) => [i.path.join("."), i.message]));
}
