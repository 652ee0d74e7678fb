import type { Indicator, InstrumentFile, Item } from "./format";
import { isJsonArray, isJsonObject, itemValue, surveyQuestions, type Json } from "./walk";

/**
 * What changed between two versions of an instrument file, as a flat list a reader can
 * follow: the instrument's names, the survey's own settings, pages, questions (with their
 * options, matrix rows and columns), indicators, item mappings and the unscored list.
 * Pure: no database, no language (texts carry both languages; the page picks one).
 */

/** A text in both languages (SurveyJS "default" is Chinese). */
export type BiText = { zh: string; en: string };
/** A value as shown in a diff: plain values, a text in both languages, or compact JSON. */
export type DiffValue = string | number | boolean | null | BiText;

export type DiffEntity = "instrument" | "survey" | "page" | "question" | "option" | "row" | "column" | "indicator" | "item" | "unscored";

export type DiffChange = {
  op: "added" | "removed" | "changed";
  entity: DiffEntity;
  /** Question name, page name, indicator id, item's question, … */
  key: string;
  /** Option value, matrix row or column, item's matrix row. */
  sub?: string;
  /** What a reader recognises the thing by (question title, option text, indicator name). */
  label?: BiText | null;
  /** For "changed": the property (title, isRequired, visibleIf, weight, indicator, parent, …). */
  field?: string;
  before?: DiffValue;
  after?: DiffValue;
};

export type VersionDiff = {
  changes: DiffChange[];
  counts: { added: number; removed: number; changed: number };
};

// ---------------------------------------------------------------- values

/** JSON with object keys sorted, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isJsonObject(v)) {
    const out: Json = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** A SurveyJS localizable value (string or { default, en, … }) or { zh, en } as BiText. */
export function biText(v: unknown): BiText | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string" || typeof v === "number") return { zh: String(v), en: String(v) };
  if (isJsonObject(v)) {
    const str = (x: unknown) => (typeof x === "string" ? x : undefined);
    const first =
      Object.values(v)
        .map(str)
        .find((x) => x !== undefined) ?? "";
    const zh = str(v.zh) ?? str(v.default) ?? str(v["zh-cn"]) ?? first;
    const en = str(v.en) ?? str(v.default) ?? zh;
    return { zh, en };
  }
  return null;
}

const isLocalizedObject = (v: unknown): v is Json =>
  isJsonObject(v) &&
  Object.keys(v).length > 0 &&
  Object.values(v).every((x) => typeof x === "string") &&
  Object.keys(v).every((k) => k === "default" || k === "zh" || k === "en" || /^[a-z]{2}(-[a-z]{2,4})?$/.test(k));

function display(v: unknown): DiffValue {
  if (v === undefined || v === null) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (isLocalizedObject(v)) return biText(v);
  return canonicalJson(v);
}

// ---------------------------------------------------------------- the diff

type Ctx = { out: DiffChange[] };

function changed(ctx: Ctx, c: Omit<DiffChange, "op" | "before" | "after">, before: unknown, after: unknown, show = display) {
  if (!same(before, after)) ctx.out.push({ op: "changed", ...c, before: show(before), after: show(after) });
}

/** Compares the properties of two objects not in `skip`, one change per property. */
function compareProps(ctx: Ctx, c: Omit<DiffChange, "op" | "field" | "before" | "after">, a: Json, b: Json, skip: Set<string>) {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !skip.has(k));
  for (const k of keys) changed(ctx, { ...c, field: k }, a[k], b[k]);
}

/** Diff of `before` → `after` (normally the previous version → this one). */
export function diffVersions(before: InstrumentFile, after: InstrumentFile): VersionDiff {
  const ctx: Ctx = { out: [] };
  diffInstrument(ctx, before, after);
  diffSurvey(ctx, asJson(before.survey), asJson(after.survey));
  diffIndicators(ctx, before.indicators ?? [], after.indicators ?? []);
  // Items and unscored questions are shown with their question's title.
  const titles = new Map<string, BiText | null>();
  for (const s of [asJson(before.survey), asJson(after.survey)]) {
    for (const [name, q] of questionsOf(s)) titles.set(name, biText(q.json.title));
  }
  const title = (q: string) => titles.get(q) ?? null;
  diffItems(ctx, before.items ?? [], after.items ?? [], title);
  diffUnscored(ctx, before.unscored ?? [], after.unscored ?? [], title);
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const c of ctx.out) counts[c.op] += 1;
  return { changes: ctx.out, counts };
}

const asJson = (v: unknown): Json => (isJsonObject(v) ? v : {});

function diffInstrument(ctx: Ctx, a: InstrumentFile, b: InstrumentFile) {
  const c = { entity: "instrument" as const, key: b.key, label: biText(b.name) };
  for (const field of ["key", "kind", "name", "description"] as const) changed(ctx, { ...c, field }, a[field], b[field]);
}

// Survey-level properties that are lists compared element by element below.
const SURVEY_LISTS = new Set(["pages", "elements", "questions"]);
const QUESTION_LISTS = new Set(["name", "elements", "templateElements", "questions", "choices", "rateValues", "rows", "columns"]);

type QInfo = { json: Json; page: string | null; order: number };

function pageName(page: unknown, i: number): string {
  return isJsonObject(page) && typeof page.name === "string" ? page.name : `#${i + 1}`;
}

function questionsOf(survey: Json): Map<string, QInfo> {
  const pages = Array.isArray(survey.pages) ? survey.pages : [];
  const map = new Map<string, QInfo>();
  surveyQuestions(survey).forEach((q, order) => {
    const m = /^survey\.pages\[(\d+)\]/.exec(q.path);
    const page = m ? pageName(pages[Number(m[1])], Number(m[1])) : null;
    if (!map.has(q.name)) map.set(q.name, { json: q.json, page, order });
  });
  return map;
}

function diffSurvey(ctx: Ctx, a: Json, b: Json) {
  compareProps(ctx, { entity: "survey", key: "survey", label: biText(b.title ?? a.title) }, a, b, SURVEY_LISTS);

  // Pages by name (or position when unnamed): added, removed, their own settings.
  const pagesOf = (s: Json) => new Map((Array.isArray(s.pages) ? s.pages : []).map((p, i) => [pageName(p, i), asJson(p)] as const));
  const pa = pagesOf(a);
  const pb = pagesOf(b);
  for (const [name, p] of pb) {
    const old = pa.get(name);
    const label = biText(p.title) ?? biText(old?.title);
    if (!old) ctx.out.push({ op: "added", entity: "page", key: name, label });
    else compareProps(ctx, { entity: "page", key: name, label }, old, p, new Set(["name", "elements", "questions"]));
  }
  for (const [name, p] of pa) if (!pb.has(name)) ctx.out.push({ op: "removed", entity: "page", key: name, label: biText(p.title) });

  // Questions by name, in the new version's order; removed ones after.
  const qa = questionsOf(a);
  const qb = questionsOf(b);
  const common = [...qb.keys()].filter((n) => qa.has(n));
  const orderBefore = [...qa.keys()].filter((n) => qb.has(n));
  if (!same(orderBefore, common)) {
    ctx.out.push({
      op: "changed",
      entity: "survey",
      key: "survey",
      field: "questionOrder",
      before: orderBefore.join(", "),
      after: common.join(", "),
    });
  }
  for (const [name, q] of qb) {
    const old = qa.get(name);
    const label = biText(q.json.title) ?? biText(old?.json.title);
    if (!old) {
      ctx.out.push({ op: "added", entity: "question", key: name, label, after: display(q.json.type) });
      continue;
    }
    const c = { entity: "question" as const, key: name, label };
    if (old.page !== q.page) changed(ctx, { ...c, field: "page" }, old.page, q.page);
    compareProps(ctx, c, old.json, q.json, QUESTION_LISTS);
    diffItemValues(ctx, name, "option", label, old.json.choices, q.json.choices);
    diffItemValues(ctx, name, "option", label, old.json.rateValues, q.json.rateValues);
    diffItemValues(ctx, name, "row", label, old.json.rows, q.json.rows);
    diffItemValues(ctx, name, "column", label, old.json.columns, q.json.columns);
  }
  for (const [name, q] of qa) {
    if (!qb.has(name))
      ctx.out.push({ op: "removed", entity: "question", key: name, label: biText(q.json.title), before: display(q.json.type) });
  }
}

/** Choices, rate values, matrix rows or columns, matched by value (columns: by name). */
function diffItemValues(
  ctx: Ctx,
  question: string,
  entity: "option" | "row" | "column",
  questionLabel: BiText | null,
  a: unknown,
  b: unknown,
) {
  const list = (v: unknown) => {
    const m = new Map<string, Json>();
    if (isJsonArray(v)) {
      for (const x of v) {
        const key = isJsonObject(x) && x.value === undefined && typeof x.name === "string" ? x.name : itemValue(x);
        const json = isJsonObject(x) ? x : { value: x };
        if (key !== undefined && key !== null) m.set(String(key), json);
      }
    }
    return m;
  };
  const la = list(a);
  const lb = list(b);
  const text = (j: Json | undefined) => (j ? (biText(j.text ?? j.title) ?? biText(j.value ?? j.name)) : null);
  for (const [key, item] of lb) {
    const old = la.get(key);
    if (!old) {
      ctx.out.push({ op: "added", entity, key: question, sub: key, label: questionLabel, after: text(item) });
      continue;
    }
    // A shorthand "a" and { value: "a", text: "a" } read the same to a respondent.
    const norm = (j: Json) => ({ ...j, text: j.text ?? (j.name === undefined ? j.value : undefined) });
    compareProps(ctx, { entity, key: question, sub: key, label: questionLabel }, norm(old), norm(item), new Set(["value", "name"]));
  }
  for (const [key, item] of la) {
    if (!lb.has(key)) ctx.out.push({ op: "removed", entity, key: question, sub: key, label: questionLabel, before: text(item) });
  }
  // Order of options matters to respondents (a reversed scale reads differently).
  const orderA = [...la.keys()].filter((k) => lb.has(k));
  const orderB = [...lb.keys()].filter((k) => la.has(k));
  if (!same(orderA, orderB)) {
    ctx.out.push({
      op: "changed",
      entity,
      key: question,
      label: questionLabel,
      field: "order",
      before: orderA.join(", "),
      after: orderB.join(", "),
    });
  }
}

type Flat = { ind: Indicator; parent: string | null; level: number };

function flatten(list: Indicator[], parent: string | null = null, level = 1, out = new Map<string, Flat>()): Map<string, Flat> {
  for (const ind of list) {
    out.set(ind.id, { ind, parent, level });
    if (ind.children?.length) flatten(ind.children, ind.id, level + 1, out);
  }
  return out;
}

function diffIndicators(ctx: Ctx, a: Indicator[], b: Indicator[]) {
  const fa = flatten(a);
  const fb = flatten(b);
  for (const [id, x] of fb) {
    const old = fa.get(id);
    const label = biText(x.ind.name);
    if (!old) {
      ctx.out.push({ op: "added", entity: "indicator", key: id, label, after: x.ind.weight });
      continue;
    }
    const c = { entity: "indicator" as const, key: id, label };
    changed(ctx, { ...c, field: "name" }, old.ind.name, x.ind.name, (v) => biText(v));
    changed(ctx, { ...c, field: "weight" }, old.ind.weight, x.ind.weight);
    changed(ctx, { ...c, field: "parent" }, old.parent, x.parent);
  }
  for (const [id, x] of fa) {
    if (!fb.has(id)) ctx.out.push({ op: "removed", entity: "indicator", key: id, label: biText(x.ind.name), before: x.ind.weight });
  }
}

function diffItems(ctx: Ctx, a: Item[], b: Item[], title: (q: string) => BiText | null) {
  const key = (i: Item) => `${i.question}\u0000${i.row ?? ""}`;
  const ma = new Map(a.map((i) => [key(i), i]));
  const mb = new Map(b.map((i) => [key(i), i]));
  const show = (i: Item) => `${i.indicator} × ${i.weight}`;
  for (const [k, i] of mb) {
    const old = ma.get(k);
    const c = { entity: "item" as const, key: i.question, ...(i.row ? { sub: i.row } : {}), label: title(i.question) };
    if (!old) {
      ctx.out.push({ op: "added", ...c, after: show(i) });
      continue;
    }
    changed(ctx, { ...c, field: "indicator" }, old.indicator, i.indicator);
    changed(ctx, { ...c, field: "weight" }, old.weight, i.weight);
  }
  for (const [k, i] of ma) {
    if (!mb.has(k))
      ctx.out.push({
        op: "removed",
        entity: "item",
        key: i.question,
        ...(i.row ? { sub: i.row } : {}),
        label: title(i.question),
        before: show(i),
      });
  }
}

function diffUnscored(ctx: Ctx, a: string[], b: string[], title: (q: string) => BiText | null) {
  for (const q of b) if (!a.includes(q)) ctx.out.push({ op: "added", entity: "unscored", key: q, label: title(q) });
  for (const q of a) if (!b.includes(q)) ctx.out.push({ op: "removed", entity: "unscored", key: q, label: title(q) });
}
