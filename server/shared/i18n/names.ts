/**
 * A name in the reader's language: the English name in English when there is one, otherwise
 * the Chinese name (courses, units, programmes, instruments keep Chinese as the name of record,
 * English is optional). The one rule for every page, export and client component.
 */
export function localName(locale: string, zh: string | null | undefined, en?: string | null): string {
  const english = en?.trim();
  return locale === "en" && english ? english : (zh ?? "");
}
