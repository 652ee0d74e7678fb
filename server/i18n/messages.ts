// Message catalogue, one JSON file per namespace and language. Add a namespace by
// adding its two files and one line to each list below.
import type { MessageKeys, NamespaceKeys, NestedKeyOf, NestedValueOf } from "use-intl/core";
import zhCommon from "./messages/zh/common.json";
import zhErrors from "./messages/zh/errors.json";
import zhAuth from "./messages/zh/auth.json";
import zhNav from "./messages/zh/nav.json";
import zhHome from "./messages/zh/home.json";
import zhAdmin from "./messages/zh/admin.json";
import zhImports from "./messages/zh/imports.json";
import zhInstruments from "./messages/zh/instruments.json";
import zhRespond from "./messages/zh/respond.json";
import zhCampaigns from "./messages/zh/campaigns.json";
import zhScoring from "./messages/zh/scoring.json";
import zhResults from "./messages/zh/results.json";
import zhStarting from "./messages/zh/starting.json";
import zhChecks from "./messages/zh/checks.json";
import zhAppraisal from "./messages/zh/appraisal.json";
import zhAttainment from "./messages/zh/attainment.json";
import zhImprovement from "./messages/zh/improvement.json";
import zhComments from "./messages/zh/comments.json";
import zhInspections from "./messages/zh/inspections.json";
import enCommon from "./messages/en/common.json";
import enErrors from "./messages/en/errors.json";
import enAuth from "./messages/en/auth.json";
import enNav from "./messages/en/nav.json";
import enHome from "./messages/en/home.json";
import enAdmin from "./messages/en/admin.json";
import enImports from "./messages/en/imports.json";
import enInstruments from "./messages/en/instruments.json";
import enRespond from "./messages/en/respond.json";
import enCampaigns from "./messages/en/campaigns.json";
import enScoring from "./messages/en/scoring.json";
import enResults from "./messages/en/results.json";
import enStarting from "./messages/en/starting.json";
import enChecks from "./messages/en/checks.json";
import enAppraisal from "./messages/en/appraisal.json";
import enAttainment from "./messages/en/attainment.json";
import enImprovement from "./messages/en/improvement.json";
import enComments from "./messages/en/comments.json";
import enInspections from "./messages/en/inspections.json";

export const LOCALES = ["zh", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh";
export const LOCALE_COOKIE = "NEXT_LOCALE";

const zh = {
  common: zhCommon,
  errors: zhErrors,
  auth: zhAuth,
  nav: zhNav,
  home: zhHome,
  admin: zhAdmin,
  imports: zhImports,
  instruments: zhInstruments,
  respond: zhRespond,
  campaigns: zhCampaigns,
  scoring: zhScoring,
  results: zhResults,
  appraisal: zhAppraisal,
  attainment: zhAttainment,
  improvement: zhImprovement,
  comments: zhComments,
  inspections: zhInspections,
};
const en: typeof zh = {
  common: enCommon,
  errors: enErrors,
  auth: enAuth,
  nav: enNav,
  home: enHome,
  admin: enAdmin,
  imports: enImports,
  instruments: enInstruments,
  respond: enRespond,
  campaigns: enCampaigns,
  scoring: enScoring,
  results: enResults,
  appraisal: enAppraisal,
  attainment: enAttainment,
  improvement: enImprovement,
  comments: enComments,
  inspections: enInspections,
};

export const messages: Record<Locale, typeof zh> = { zh, en };
export type Messages = typeof zh;

/** A full message key ("errors.forbidden"): domain errors and server-side translation use it. */
export type MessageKey = MessageKeys<Messages, NestedKeyOf<Messages>>;
/** A catalogue group holding messages, e.g. "campaigns.raterGroups". */
export type MessageGroup = NamespaceKeys<Messages, NestedKeyOf<Messages>>;
/**
 * The message keys inside one group ("student" | "supervisor" | …; nested ones as
 * "levels.point"). Values stored as text (a rater group, a band, a state) become checked
 * keys with `value as GroupKey<"campaigns.raterGroups">`: the group must exist and the
 * template around it (`raterGroups.${…}`) must name it.
 */
export type GroupKey<G extends MessageGroup> = MessageKeys<NestedValueOf<Messages, G>, NestedKeyOf<NestedValueOf<Messages, G>>>;
/** Whether a code read back as text (a zod issue's message, an import problem) is a key. */
export function isMessageKey(code: string): code is MessageKey {
  let o: unknown = messages.zh;
  for (const part of code.split(".")) {
    if (typeof o !== "object" || o === null || !Object.hasOwn(o, part)) return false;
    o = (o as Record<string, unknown>)[part];
  }
  return typeof o === "string";
}
// keysOf lives in server/shared/ (client components use it); re-exported for server code.
export { keysOf } from "../shared/i18n/keys";

export function toLocale(value: string | undefined | null): Locale {
  return value === "en" ? "en" : DEFAULT_LOCALE;
}

// Texts used outside the app's pages, kept out of the catalogue every page sends to the
// browser: the page `npm run demo` serves while the app starts (server/demo/page.ts).
export const startingMessages: Record<Locale, { starting: typeof zhStarting }> = {
  zh: { starting: zhStarting },
  en: { starting: enStarting },
};

// The texts of the instrument checker and of the answer validator (server/instruments/check.ts,
// validate.ts): server-side only, so kept out of the catalogue every page sends to the browser,
// and filled in with plain {name} placeholders (the instrument's own texts go into them as they
// are, not as ICU messages).
export const checkMessages: Record<Locale, typeof zhChecks> = { zh: zhChecks, en: enChecks };
