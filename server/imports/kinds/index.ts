// The registry of import kinds: one module per kind (its layout and its validate-then-write
// handler, server/imports/kit.ts), listed here once. Everything that varies by kind reads
// this map: the upload route and its zod check (http.ts), the job runner (run.ts), the
// templates (templates.ts), the layouts shown on the import page (layouts.ts, the imports
// router), the kinds offered on the page and the check of docs/imports.md. The order is the order the
// page offers them (and the order a school imports them in: parents before what refers to them).
//
// A new kind: a module next to these, one line below, its `imports.kinds.<kind>` message in
// both languages, a section in docs/imports.md and tests (CONTRIBUTING.md).
import type { ImportKindDef } from "../kit";
import { courses } from "./courses";
import { employers } from "./employers";
import { enrolments } from "./enrolments";
import { graduates } from "./graduates";
import { people } from "./people";
import { programmes } from "./programmes";
import { sections } from "./sections";
import { terms } from "./terms";
import { units } from "./units";

export const IMPORT_KIND_REGISTRY = {
  units,
  programmes,
  people,
  courses,
  terms,
  sections,
  enrolments,
  graduates,
  employers,
} satisfies { [K in string]: ImportKindDef<K> };

export type ImportKind = keyof typeof IMPORT_KIND_REGISTRY;

/** Every kind, in the page's order. */
export const IMPORT_KINDS = Object.keys(IMPORT_KIND_REGISTRY) as [ImportKind, ...ImportKind[]];

export function importKind(kind: ImportKind): ImportKindDef<ImportKind> {
  return IMPORT_KIND_REGISTRY[kind];
}
