// The file layout of each import kind, read from the registry (kinds/index.ts): the columns
// (server/imports/columns.ts) with their Chinese and English headers, aliases, cell schemas,
// descriptions and examples, and the natural key that makes re-importing idempotent.
import type { Locale } from "../i18n/messages";
import { acceptedHeadersOf, headerOf, type Bilingual, type ColumnDef, type Layout } from "./columns";
import { IMPORT_KIND_REGISTRY, IMPORT_KINDS, type ImportKind } from "./kinds";

export {
  LIST_SEPARATORS,
  normHeader,
  parseTermCode,
  headerOf,
  type Bilingual,
  type ColumnDef,
  type Layout,
  type TermCode,
} from "./columns";

export const LAYOUTS: Record<ImportKind, Layout> = IMPORT_KIND_REGISTRY;

export function getLayout(kind: ImportKind): Layout {
  return LAYOUTS[kind];
}

/** Every accepted (normalised) header of a column: key, Chinese, English and aliases. */
export const acceptedHeaders = acceptedHeadersOf;

const headerIndex = new Map<ImportKind, Map<string, ColumnDef>>();
/** Normalised header → column, per kind. Throws at load time if two columns share a header. */
export function headerMap(kind: ImportKind): Map<string, ColumnDef> {
  let m = headerIndex.get(kind);
  if (!m) {
    m = new Map();
    for (const c of LAYOUTS[kind].columns) {
      for (const h of acceptedHeaders(c)) {
        const other = m.get(h);
        if (other && other !== c) throw new Error(`imports: header "${h}" of ${kind} is ambiguous (${other.key}, ${c.key})`);
        m.set(h, c);
      }
    }
    headerIndex.set(kind, m);
  }
  return m;
}

export type LayoutView = {
  kind: ImportKind;
  description: string;
  naturalKey: string[];
  columns: {
    key: string;
    header: string;
    headers: Bilingual;
    aliases: string[];
    required: boolean;
    description: string;
    example: string;
  }[];
};

/** A layout for display in one language. */
export function describeLayout(kind: ImportKind, locale: Locale): LayoutView {
  const l = LAYOUTS[kind];
  return {
    kind,
    description: l.description[locale],
    naturalKey: l.naturalKey,
    columns: l.columns.map((c) => ({
      key: c.key,
      header: headerOf(c, locale),
      headers: { zh: c.zh, en: c.en },
      aliases: c.aliases,
      required: c.required,
      description: c.description[locale],
      example: c.example,
    })),
  };
}

export function describeLayouts(locale: Locale): LayoutView[] {
  return IMPORT_KINDS.map((k) => describeLayout(k, locale));
}
