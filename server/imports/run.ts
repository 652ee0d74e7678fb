// Runs one import: parse → validate every row → write everything in one transaction.
//
// Validation collects ALL problems (cell values, duplicate keys within the file, codes
// that exist neither in the database nor in the file, …) as {file, row, column, reason}
// in the caller's language; if there is any, nothing is written. Otherwise every table
// is written with multi-row `insert … on conflict (natural key) do update … where (the row
// differs)` statements, so re-importing a file changes nothing (not even updated_at) and
// the counts of inserted / updated / unchanged rows are exact.
//
// References are resolved with one set-based query per referenced table; there are no
// per-row queries.
//
// Progress: onProgress is awaited during parsing and validation. During "writing" it is
// called between chunks from inside the write transaction: it must not wait for the
// database there (with PGlite any other query waits until the transaction ends).
// jobs.ts queues its progress writes for that reason.
import { sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import type { ImportKind, ImportRowError, Role } from "@/db/schema";
import type { UnitScope } from "../access/scope";
import { UNGRANTABLE_ROLES } from "../access/roles";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { headerOf, type TermCode } from "./layouts";
import { parseImportFile, type FileIssue, type MatchedTable } from "./parse";
import { query, recordset, textArray, upsertCount, upsertReturning, type ColSpec, type Returned, type UpsertSpec } from "./sql";

export type ImportStatus = "parsing" | "validating" | "writing";
export type ImportProgress = { status: ImportStatus; processed: number; total: number };
export type OnProgress = (p: ImportProgress) => void | Promise<void>;

export type ImportInput = {
  kind: ImportKind;
  fileName: string;
  bytes: Uint8Array;
  actorId: number | null;
  /** Imports are done by school-wide roles (IMPORT_ROLE_LIST); the scope is not used. */
  scope?: UnitScope;
  /** Language of the error reasons; Chinese unless given. */
  locale?: Locale;
};

export type ImportResult = {
  ok: boolean;
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** The first MAX_STORED_ERRORS problems, by row. */
  errors: ImportRowError[];
  /** All problems found. */
  errorCount: number;
};

export const MAX_STORED_ERRORS = 1000;
const MAX_KEPT_ISSUES = 20_000;
const VALIDATE_CHUNK = 5000;

const INVALID: unique symbol = Symbol("invalid");
type Row = { row: number; v: Record<string, unknown> };
type Params = Record<string, string | number>;
type Issue = { row: number; order: number; column: string | null; code: string; params?: Params };

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

class Ctx {
  readonly issues: Issue[] = [];
  count = 0;
  private readonly order = new Map<string, number>();
  private readonly label = new Map<string, string>();

  constructor(readonly table: MatchedTable, readonly locale: Locale) {
    table.layout.columns.forEach((c, i) => {
      this.order.set(c.key, i);
      this.label.set(c.key, headerOf(c, locale));
    });
    for (const c of table.columns) this.label.set(c.def.key, c.header); // as written in the file
  }

  /** Whether the file has this column. */
  has(key: string): boolean {
    return this.table.columns.some((c) => c.def.key === key);
  }

  err(row: number, key: string | null, code: string, params?: Params) {
    this.count++;
    if (this.issues.length >= MAX_KEPT_ISSUES) return;
    this.issues.push({
      row, order: key ? this.order.get(key) ?? -1 : -1, column: key ? this.label.get(key) ?? key : null,
      code: code.startsWith("imports.") ? code : `imports.row.${code}`, params,
    });
  }
}

/** The parsed value of a cell, or undefined when empty or invalid. */
function val<T>(r: Row, key: string): T | undefined {
  const v = r.v[key];
  return v === INVALID ? undefined : (v as T | undefined);
}
const bad = (r: Row, ...keys: string[]) => keys.some((k) => r.v[k] === INVALID);

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** Reports rows whose natural key repeats an earlier row's; returns first row per key. */
function checkDuplicates(ctx: Ctx, rows: Row[], keys: string[], keyOf: (r: Row) => string | null) {
  const first = new Map<string, number>();
  for (const r of rows) {
    if (bad(r, ...keys)) continue;
    const k = keyOf(r);
    if (k === null) continue;
    const prev = first.get(k);
    if (prev !== undefined) ctx.err(r.row, keys[keys.length - 1], "duplicateKey", { row: prev });
    else first.set(k, r.row);
  }
  return first;
}

const K = (...parts: (string | number | null | undefined)[]) => parts.map((p) => p ?? "").join("\u0001");

async function idsByCode(db: DbOrTx, table: "units" | "programmes" | "courses", codes: Iterable<string>) {
  const list = [...new Set(codes)];
  const m = new Map<string, number>();
  if (!list.length) return m;
  const rows = await query<{ id: number; code: string }>(db,
    sql`select id, code from ${sql.raw(table)} where code in ${textArray(list)}`);
  for (const r of rows) m.set(r.code, Number(r.id));
  return m;
}

async function personsByNumber(db: DbOrTx, numbers: Iterable<string>) {
  const list = [...new Set(numbers)];
  const m = new Map<string, { id: number; kind: "staff" | "student" }>();
  if (!list.length) return m;
  const rows = await query<{ id: number; number: string; kind: "staff" | "student" }>(db,
    sql`select id, number, kind from persons where number in ${textArray(list)}`);
  for (const r of rows) m.set(r.number, { id: Number(r.id), kind: r.kind });
  return m;
}

/** Reports each row whose code (in `key`) is not in `known`. */
function checkRefs(ctx: Ctx, rows: Row[], key: string, known: (code: string) => boolean, code: string) {
  for (const r of rows) {
    const c = val<string>(r, key);
    if (c !== undefined && !known(c)) ctx.err(r.row, key, code, { code: short(c) });
  }
}

/** Columns to write: the required ones and the optional ones present in the file. */
function pick(ctx: Ctx, cols: ColSpec[], fileKeyOf: Record<string, string> = {}): ColSpec[] {
  return cols.filter(([name]) => {
    const key = fileKeyOf[name] ?? name;
    const def = ctx.table.layout.columns.find((c) => c.key === key);
    return !def || def.required || ctx.has(key);
  });
}

type Writer = (tx: Tx, progress: (done: number) => Promise<void>) => Promise<{ inserted: number; updated: number }>;
type Handler = (ctx: Ctx, db: Db, rows: Row[]) => Promise<Writer>;

/** Combines per-row results: inserted beats updated beats unchanged. */
function tally(states: ("ins" | "upd" | "same")[]) {
  let inserted = 0;
  let updated = 0;
  for (const s of states) {
    if (s === "ins") inserted++;
    else if (s === "upd") updated++;
  }
  return { inserted, updated };
}
const stateOf = (r: Returned | undefined): "ins" | "upd" | "same" => (r ? (r.ins ? "ins" : "upd") : "same");

// ---------------------------------------------------------------------------------------
// units

const units: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["code"], (r) => val<string>(r, "code") ?? null);
  const all = await query<{ id: number; code: string; parent_code: string | null }>(db,
    sql`select u.id, u.code, p.code as parent_code from units u left join units p on p.id = u.parent_id`);
  const inDb = new Map(all.map((u) => [u.code, u]));
  const inFile = new Map<string, Row>();
  for (const r of rows) {
    const c = val<string>(r, "code");
    if (c !== undefined && !inFile.has(c)) inFile.set(c, r);
  }
  const hasParent = ctx.has("parent_code");
  if (hasParent) {
    for (const r of rows) {
      const code = val<string>(r, "code");
      const parent = val<string>(r, "parent_code");
      if (parent === undefined) continue;
      if (parent === code) ctx.err(r.row, "parent_code", "parentSelf");
      else if (!inFile.has(parent) && !inDb.has(parent)) ctx.err(r.row, "parent_code", "unitNotFound", { code: short(parent) });
    }
    // Cycles through the tree as it would be after the import.
    const parentOf = (code: string): string | null | undefined => {
      const r = inFile.get(code);
      if (r) return bad(r, "parent_code") ? null : val<string>(r, "parent_code") ?? null;
      return inDb.get(code)?.parent_code;
    };
    for (const [code, r] of inFile) {
      let p = parentOf(code);
      for (let steps = 0; p && steps <= inFile.size + inDb.size; steps++) {
        if (p === code) {
          if (val<string>(r, "parent_code") !== code) ctx.err(r.row, "parent_code", "parentCycle", { code: short(code) });
          break;
        }
        p = parentOf(p);
      }
    }
  }

  return async (tx, progress) => {
    // Parents in the file are written before their children: by depth within the file.
    const depth = new Map<string, number>();
    const depthOf = (code: string, guard = 0): number => {
      const known = depth.get(code);
      if (known !== undefined) return known;
      const parent = hasParent ? val<string>(inFile.get(code)!, "parent_code") : undefined;
      const d = parent && inFile.has(parent) && guard < inFile.size ? depthOf(parent, guard + 1) + 1 : 0;
      depth.set(code, d);
      return d;
    };
    const layers: Row[][] = [];
    for (const r of rows) (layers[depthOf(val<string>(r, "code")!)] ??= []).push(r);
    const ids = new Map<string, number>(all.map((u) => [u.code, Number(u.id)]));
    const cols = pick(ctx, [["code", "text"], ["name", "text"], ["name_en", "text"], ["kind", "unit_kind"], ["parent_id", "integer"]], { parent_id: "parent_code" });
    const spec: UpsertSpec = { table: "units", cols, key: ["code"], update: cols.map(([n]) => n).filter((n) => n !== "code"), touch: true };
    const states: ("ins" | "upd" | "same")[] = [];
    let done = 0;
    for (const layer of layers) {
      if (!layer) continue;
      const data = layer.map((r) => {
        const parent = val<string>(r, "parent_code");
        return {
          code: val(r, "code"), name: val(r, "name"), name_en: val(r, "name_en") ?? null, kind: val(r, "kind"),
          parent_id: parent === undefined ? null : ids.get(parent),
        };
      });
      const ret = await upsertReturning(tx, spec, data, ["id", "code"]);
      const byCode = new Map(ret.map((x) => [x.code as string, x]));
      for (const x of ret) ids.set(x.code as string, Number(x.id));
      for (const r of layer) states.push(stateOf(byCode.get(val<string>(r, "code")!)));
      done += layer.length;
      await progress(done);
    }
    return tally(states);
  };
};

// ---------------------------------------------------------------------------------------
// programmes

const programmes: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["code"], (r) => val<string>(r, "code") ?? null);
  const unitIds = await idsByCode(db, "units", rows.map((r) => val<string>(r, "unit_code")).filter((c): c is string => !!c));
  checkRefs(ctx, rows, "unit_code", (c) => unitIds.has(c), "unitNotFound");
  return async (tx, progress) => {
    const cols = pick(ctx, [["code", "text"], ["name", "text"], ["name_en", "text"], ["unit_id", "integer"], ["level", "programme_level"]], { unit_id: "unit_code" });
    const data = rows.map((r) => ({
      code: val(r, "code"), name: val(r, "name"), name_en: val(r, "name_en") ?? null,
      unit_id: unitIds.get(val<string>(r, "unit_code")!), level: val(r, "level") ?? "undergraduate",
    }));
    return upsertCount(tx, { table: "programmes", cols, key: ["code"], update: cols.map(([n]) => n).filter((n) => n !== "code"), touch: true }, data, progress);
  };
};

// ---------------------------------------------------------------------------------------
// people

const UNIT_ROLES: Role[] = ["supervisor", "leader", "unit_admin"];
const STUDENT_ROLES: Role[] = ["student", "info_officer"];
const NOT_IMPORTABLE: Role[] = [...UNGRANTABLE_ROLES];

/**
 * An import cannot change anyone holding a role it could not grant (NOT_IMPORTABLE, the
 * app's UNGRANTABLE_ROLES: the system administrator; the people pages keep the same rule): a row for such a person that would change any written column,
 * deactivate them or add a role is refused at that column. A row repeating what is stored
 * passes (an export of all staff lists them too).
 */
async function checkProtectedPeople(
  ctx: Ctx, db: DbOrTx, rows: Row[], cols: ColSpec[], record: (r: Row) => Record<string, unknown>,
  grantsOf: (r: Row) => { role: Role; unitId: number | null }[],
  roleNames: (role: Role) => Params,
) {
  const numbers = rows.map((r) => val<string>(r, "number")).filter((n): n is string => n !== undefined);
  if (!numbers.length) return;
  const names = cols.map(([n]) => n).filter((n) => n !== "number");
  const found = await query<Record<string, unknown> & { id: number; number: string; protected_role: Role; grants: { role: Role; unit_id: number | null }[] }>(db, sql`
    select p.id, p.number, ${sql.raw(names.map((n) => `p."${n}"`).join(", "))},
      (select g.role from role_grants g where g.person_id = p.id and g.role::text in ${textArray(NOT_IMPORTABLE)} order by g.role limit 1) as protected_role,
      (select coalesce(jsonb_agg(jsonb_build_object('role', g.role, 'unit_id', g.unit_id)), '[]'::jsonb) from role_grants g where g.person_id = p.id) as grants
    from persons p
    where p.number in ${textArray(numbers)}
      and exists (select 1 from role_grants g where g.person_id = p.id and g.role::text in ${textArray(NOT_IMPORTABLE)})`);
  if (!found.length) return;
  const byNumber = new Map(found.map((p) => [p.number, p]));
  const fileKey: Record<string, string> = { unit_id: "unit_code", programme_id: "programme_code" };
  const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null) || (a != null && b != null && String(a) === String(b));
  for (const r of rows) {
    const p = byNumber.get(val<string>(r, "number") ?? "");
    if (!p) continue;
    const params = { number: p.number, ...roleNames(p.protected_role) };
    const rec = record(r);
    for (const n of names) {
      const key = fileKey[n] ?? n;
      if (bad(r, key) || same(rec[n], p[n])) continue;
      ctx.err(r.row, key, "protectedPerson", params);
    }
    const held = (p.grants ?? []).map((g) => K(g.role, g.unit_id === null ? null : Number(g.unit_id)));
    if (!bad(r, "roles", "role_unit_code") && grantsOf(r).some((g) => !held.includes(K(g.role, g.unitId)))) {
      ctx.err(r.row, "roles", "protectedPerson", params);
    }
  }
}

const people: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["number"], (r) => val<string>(r, "number") ?? null);
  const unitCodes = rows.flatMap((r) => [val<string>(r, "unit_code"), val<string>(r, "role_unit_code")]).filter((c): c is string => !!c);
  const unitIds = await idsByCode(db, "units", unitCodes);
  const progIds = await idsByCode(db, "programmes", rows.map((r) => val<string>(r, "programme_code")).filter((c): c is string => !!c));
  checkRefs(ctx, rows, "unit_code", (c) => unitIds.has(c), "unitNotFound");
  checkRefs(ctx, rows, "programme_code", (c) => progIds.has(c), "programmeNotFound");
  checkRefs(ctx, rows, "role_unit_code", (c) => unitIds.has(c), "unitNotFound");
  const roleNames = (role: Role) => ({ role, roleZh: translate("zh", `common.roles.${role}`), roleEn: translate("en", `common.roles.${role}`) });
  for (const r of rows) {
    const roles = val<Role[]>(r, "roles") ?? [];
    const kind = val<"staff" | "student">(r, "kind");
    for (const role of roles) {
      if (NOT_IMPORTABLE.includes(role)) ctx.err(r.row, "roles", "roleNotImportable", roleNames(role));
      else if (kind === "staff" && STUDENT_ROLES.includes(role)) ctx.err(r.row, "roles", "roleNeedsStudent", roleNames(role));
      else if (kind === "student" && !STUDENT_ROLES.includes(role)) ctx.err(r.row, "roles", "roleNeedsStaff", roleNames(role));
    }
    const roleUnit = val<string>(r, "role_unit_code");
    if (roles.includes("unit_admin") && roleUnit === undefined && !bad(r, "role_unit_code")) {
      ctx.err(r.row, "role_unit_code", "roleNeedsUnit", roleNames("unit_admin"));
    }
    if (roleUnit !== undefined && !bad(r, "roles") && !roles.some((x) => UNIT_ROLES.includes(x))) {
      ctx.err(r.row, "role_unit_code", "roleUnitUnused");
    }
  }

  // The columns written (those in the file) and each row's record, as the writer stores them.
  const cols = pick(ctx, [
    ["number", "text"], ["name", "text"], ["kind", "person_kind"], ["unit_id", "integer"], ["programme_id", "integer"],
    ["class_name", "text"], ["admission_year", "smallint"], ["title", "text"], ["gender", "text"], ["email", "text"],
    ["phone", "text"], ["active", "boolean"],
  ], { unit_id: "unit_code", programme_id: "programme_code" });
  const record = (r: Row): Record<string, unknown> => {
    const unit = val<string>(r, "unit_code");
    const prog = val<string>(r, "programme_code");
    return {
      number: val(r, "number"), name: val(r, "name"), kind: val(r, "kind"),
      unit_id: unit === undefined ? null : unitIds.get(unit), programme_id: prog === undefined ? null : progIds.get(prog),
      class_name: val(r, "class_name") ?? null, admission_year: val(r, "admission_year") ?? null, title: val(r, "title") ?? null,
      gender: val(r, "gender") ?? null, email: val(r, "email") ?? null, phone: val(r, "phone") ?? null, active: val(r, "active") ?? true,
    };
  };
  /** The role grants a row asks for (students always get the student role). */
  const grantsOf = (r: Row): { role: Role; unitId: number | null }[] => {
    const roles = [...(val<Role[]>(r, "roles") ?? [])];
    if (val(r, "kind") === "student" && !roles.includes("student")) roles.push("student");
    const roleUnit = val<string>(r, "role_unit_code");
    return roles.map((role) => ({ role, unitId: UNIT_ROLES.includes(role) && roleUnit !== undefined ? unitIds.get(roleUnit) ?? null : null }));
  };
  await checkProtectedPeople(ctx, db, rows, cols, record, grantsOf, roleNames);

  return async (tx, progress) => {
    const data = rows.map(record);
    const spec: UpsertSpec = { table: "persons", cols, key: ["number"], update: cols.map(([n]) => n).filter((n) => n !== "number"), touch: true };
    const ret = await upsertReturning(tx, spec, data, ["number"], progress);
    const changed = new Map(ret.map((x) => [x.number as string, x]));
    const ids = await personsByNumber(tx, rows.map((r) => val<string>(r, "number")!));

    // Role grants are only added.
    const grants: { person_id: number; role: Role; unit_id: number | null }[] = [];
    for (const r of rows) {
      const personId = ids.get(val<string>(r, "number")!)!.id;
      for (const g of grantsOf(r)) grants.push({ person_id: personId, role: g.role, unit_id: g.unitId });
    }
    const granted = await upsertReturning(tx, {
      table: "role_grants", cols: [["person_id", "integer"], ["role", "role"], ["unit_id", "integer"]],
      key: { constraint: "role_grants_uq" }, update: [], touch: false,
    }, grants, ["person_id"]);
    const gotRole = new Set(granted.map((g) => Number(g.person_id)));
    return tally(rows.map((r) => {
      const number = val<string>(r, "number")!;
      const s = stateOf(changed.get(number));
      return s === "same" && gotRole.has(ids.get(number)!.id) ? "upd" : s;
    }));
  };
};

// ---------------------------------------------------------------------------------------
// courses

const courses: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["code"], (r) => val<string>(r, "code") ?? null);
  const unitIds = await idsByCode(db, "units", rows.map((r) => val<string>(r, "unit_code")).filter((c): c is string => !!c));
  const progIds = await idsByCode(db, "programmes", rows.map((r) => val<string>(r, "programme_code")).filter((c): c is string => !!c));
  checkRefs(ctx, rows, "unit_code", (c) => unitIds.has(c), "unitNotFound");
  checkRefs(ctx, rows, "programme_code", (c) => progIds.has(c), "programmeNotFound");
  return async (tx, progress) => {
    const cols = pick(ctx, [
      ["code", "text"], ["name", "text"], ["name_en", "text"], ["unit_id", "integer"], ["programme_id", "integer"],
      ["type", "course_type"], ["level", "programme_level"], ["credits", "numeric(4,1)"], ["hours", "smallint"],
    ], { unit_id: "unit_code", programme_id: "programme_code" });
    const data = rows.map((r) => {
      const prog = val<string>(r, "programme_code");
      return {
        code: val(r, "code"), name: val(r, "name"), name_en: val(r, "name_en") ?? null,
        unit_id: unitIds.get(val<string>(r, "unit_code")!), programme_id: prog === undefined ? null : progIds.get(prog),
        type: val(r, "type") ?? "core", level: val(r, "level") ?? "undergraduate",
        credits: val(r, "credits") ?? null, hours: val(r, "hours") ?? null,
      };
    });
    return upsertCount(tx, { table: "courses", cols, key: ["code"], update: cols.map(([n]) => n).filter((n) => n !== "code"), touch: true }, data, progress);
  };
};

// ---------------------------------------------------------------------------------------
// sections

/** Term dates by semester: 1 = 1 Sep – 20 Jan, 2 = 20 Feb – 10 Jul, 3 = 11 Jul – 31 Aug. */
export function termDates(t: TermCode): { startsOn: string; endsOn: string } {
  const [y1, y2] = t.schoolYear.split("-");
  if (t.semester === 1) return { startsOn: `${y1}-09-01`, endsOn: `${y2}-01-20` };
  if (t.semester === 2) return { startsOn: `${y2}-02-20`, endsOn: `${y2}-07-10` };
  return { startsOn: `${y2}-07-11`, endsOn: `${y2}-08-31` };
}

/** Checks the file's term codes against existing terms; returns those to create. */
async function checkTerms(ctx: Ctx, db: DbOrTx, rows: Row[]): Promise<TermCode[]> {
  const wanted = new Map<string, TermCode>();
  for (const r of rows) {
    const t = val<TermCode>(r, "term");
    if (t) wanted.set(t.code, t);
  }
  if (!wanted.size) return [];
  const existing = await query<{ code: string; school_year: string; semester: number }>(db, sql`
    select t.code, t.school_year, t.semester from terms t
    where t.code in ${textArray(wanted.keys())}
       or (t.school_year, t.semester) in (select school_year, semester from ${recordset([["school_year", "text"], ["semester", "smallint"]],
         [...wanted.values()].map((t) => ({ school_year: t.schoolYear, semester: t.semester })))})`);
  const byCode = new Set(existing.map((t) => t.code));
  const byYear = new Map(existing.map((t) => [K(t.school_year, Number(t.semester)), t.code]));
  const conflicting = new Map<string, string>();
  const create: TermCode[] = [];
  for (const t of wanted.values()) {
    if (byCode.has(t.code)) continue;
    const other = byYear.get(K(t.schoolYear, t.semester));
    if (other) conflicting.set(t.code, other);
    else create.push(t);
  }
  for (const r of rows) {
    const t = val<TermCode>(r, "term");
    if (t && conflicting.has(t.code)) ctx.err(r.row, "term", "termConflict", { code: t.code, other: conflicting.get(t.code)! });
  }
  return create;
}

async function termIds(db: DbOrTx, codes: Iterable<string>) {
  const rows = await query<{ id: number; code: string }>(db, sql`select id, code from terms where code in ${textArray(codes)}`);
  return new Map(rows.map((t) => [t.code, Number(t.id)]));
}

const sections: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["term", "code"], (r) => K(val<TermCode>(r, "term")?.code, val<string>(r, "code")));
  const newTerms = await checkTerms(ctx, db, rows);
  const courseIds = await idsByCode(db, "courses", rows.map((r) => val<string>(r, "course_code")).filter((c): c is string => !!c));
  checkRefs(ctx, rows, "course_code", (c) => courseIds.has(c), "courseNotFound");
  const hasTeachers = ctx.has("teachers");
  const teachers = await personsByNumber(db, rows.flatMap((r) => val<string[]>(r, "teachers") ?? []));
  for (const r of rows) {
    for (const n of val<string[]>(r, "teachers") ?? []) {
      const p = teachers.get(n);
      if (!p) ctx.err(r.row, "teachers", "personNotFound", { number: short(n) });
      else if (p.kind !== "staff") ctx.err(r.row, "teachers", "notStaff", { number: short(n) });
    }
  }

  return async (tx, progress) => {
    if (newTerms.length) {
      await tx.execute(sql`insert into terms (code, school_year, semester, starts_on, ends_on)
        select code, school_year, semester, starts_on, ends_on
        from ${recordset([["code", "text"], ["school_year", "text"], ["semester", "smallint"], ["starts_on", "date"], ["ends_on", "date"]],
          newTerms.map((t) => ({ code: t.code, school_year: t.schoolYear, semester: t.semester, ...mapDates(t) })))}
        on conflict do nothing`);
    }
    const terms = await termIds(tx, rows.map((r) => val<TermCode>(r, "term")!.code));
    const cols = pick(ctx, [
      ["term_id", "integer"], ["code", "text"], ["course_id", "integer"], ["name", "text"], ["schedule", "text"], ["capacity", "integer"],
    ], { term_id: "term", course_id: "course_code" });
    const data = rows.map((r) => ({
      term_id: terms.get(val<TermCode>(r, "term")!.code), code: val(r, "code"), course_id: courseIds.get(val<string>(r, "course_code")!),
      name: val(r, "name") ?? null, schedule: val(r, "schedule") ?? null, capacity: val(r, "capacity") ?? null,
    }));
    const spec: UpsertSpec = { table: "sections", cols, key: ["term_id", "code"], update: cols.map(([n]) => n).filter((n) => n !== "term_id" && n !== "code"), touch: true };
    const ret = await upsertReturning(tx, spec, data, ["term_id", "code"], progress);
    const changed = new Map(ret.map((x) => [K(Number(x.term_id), x.code as string), x]));
    const teachersChanged = new Set<number>();
    const sectionIds = new Map<string, number>();
    if (hasTeachers) {
      const idRows = await query<{ id: number; term_id: number; code: string }>(tx, sql`
        select s.id, s.term_id, s.code from sections s
        join ${recordset([["term_id", "integer"], ["code", "text"]], data.map((d) => ({ term_id: d.term_id, code: d.code })))}
          on s.term_id = x.term_id and s.code = x.code`);
      for (const s of idRows) sectionIds.set(K(Number(s.term_id), s.code), Number(s.id));
      // The file's list replaces each section's teachers: first lead, the others co.
      const wanted = rows.flatMap((r) => {
        const sectionId = sectionIds.get(K(terms.get(val<TermCode>(r, "term")!.code), val<string>(r, "code")))!;
        return (val<string[]>(r, "teachers") ?? []).map((n, i) => ({ section_id: sectionId, person_id: teachers.get(n)!.id, role: i === 0 ? "lead" : "co" }));
      });
      const removed = await query<{ section_id: number }>(tx, sql`
        delete from section_teachers st
        where st.section_id in (select (jsonb_array_elements_text(${JSON.stringify([...sectionIds.values()])}::jsonb))::int)
          and (st.section_id, st.person_id) not in (select section_id, person_id from ${recordset([["section_id", "integer"], ["person_id", "integer"]], wanted)})
        returning st.section_id`);
      for (const x of removed) teachersChanged.add(Number(x.section_id));
      const added = await upsertReturning(tx, {
        table: "section_teachers", cols: [["section_id", "integer"], ["person_id", "integer"], ["role", "section_teacher_role"]],
        key: ["section_id", "person_id"], update: ["role"], touch: false,
      }, wanted, ["section_id"]);
      for (const x of added) teachersChanged.add(Number(x.section_id));
    }
    return tally(rows.map((r) => {
      const key = K(terms.get(val<TermCode>(r, "term")!.code), val<string>(r, "code"));
      const s = stateOf(changed.get(key));
      return s === "same" && teachersChanged.has(sectionIds.get(key) ?? -1) ? "upd" : s;
    }));
  };
};

function mapDates(t: TermCode) {
  const d = termDates(t);
  return { starts_on: d.startsOn, ends_on: d.endsOn };
}

// ---------------------------------------------------------------------------------------
// enrolments

const enrolments: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["term", "section_code", "student_number"],
    (r) => K(val<TermCode>(r, "term")?.code, val<string>(r, "section_code"), val<string>(r, "student_number")));
  const pairs = new Map<string, { term: string; code: string }>();
  for (const r of rows) {
    const t = val<TermCode>(r, "term");
    const c = val<string>(r, "section_code");
    if (t && c !== undefined) pairs.set(K(t.code, c), { term: t.code, code: c });
  }
  const sectionIds = new Map<string, number>();
  if (pairs.size) {
    const found = await query<{ id: number; term: string; code: string }>(db, sql`
      select s.id, t.code as term, s.code from sections s join terms t on t.id = s.term_id
      join ${recordset([["term", "text"], ["code", "text"]], [...pairs.values()])} on x.term = t.code and x.code = s.code`);
    for (const s of found) sectionIds.set(K(s.term, s.code), Number(s.id));
  }
  const students = await personsByNumber(db, rows.map((r) => val<string>(r, "student_number")).filter((c): c is string => !!c));
  for (const r of rows) {
    const t = val<TermCode>(r, "term");
    const c = val<string>(r, "section_code");
    if (t && c !== undefined && !sectionIds.has(K(t.code, c))) ctx.err(r.row, "section_code", "sectionNotFound", { term: t.code, code: short(c) });
    const n = val<string>(r, "student_number");
    if (n === undefined) continue;
    const p = students.get(n);
    if (!p) ctx.err(r.row, "student_number", "personNotFound", { number: short(n) });
    else if (p.kind !== "student") ctx.err(r.row, "student_number", "notStudent", { number: short(n) });
  }
  return async (tx, progress) => {
    const hasStatus = ctx.has("status");
    const cols: ColSpec[] = [["section_id", "integer"], ["person_id", "integer"], ...(hasStatus ? [["status", "text"] as const] : [])];
    const data = rows.map((r) => ({
      section_id: sectionIds.get(K(val<TermCode>(r, "term")!.code, val<string>(r, "section_code"))),
      person_id: students.get(val<string>(r, "student_number")!)!.id,
      status: val(r, "status") ?? "enrolled",
    }));
    return upsertCount(tx, { table: "enrolments", cols, key: ["section_id", "person_id"], update: hasStatus ? ["status"] : [], touch: false }, data, progress);
  };
};

// ---------------------------------------------------------------------------------------
// graduates

const graduates: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["student_number"], (r) => val<string>(r, "student_number") ?? null);
  const progIds = await idsByCode(db, "programmes", rows.map((r) => val<string>(r, "programme_code")).filter((c): c is string => !!c));
  checkRefs(ctx, rows, "programme_code", (c) => progIds.has(c), "programmeNotFound");
  return async (tx, progress) => {
    const cohorts = new Map<string, { programme_id: number; graduation_year: number }>();
    for (const r of rows) {
      const c = { programme_id: progIds.get(val<string>(r, "programme_code")!)!, graduation_year: val<number>(r, "graduation_year")! };
      cohorts.set(K(c.programme_id, c.graduation_year), c);
    }
    const cohortRs = recordset([["programme_id", "integer"], ["graduation_year", "smallint"]], [...cohorts.values()]);
    await tx.execute(sql`insert into graduate_cohorts (programme_id, graduation_year)
      select programme_id, graduation_year from ${cohortRs} on conflict do nothing`);
    const found = await query<{ id: number; programme_id: number; graduation_year: number }>(tx, sql`
      select c.id, c.programme_id, c.graduation_year from graduate_cohorts c
      join ${cohortRs} on x.programme_id = c.programme_id and x.graduation_year = c.graduation_year`);
    const cohortIds = new Map(found.map((c) => [K(Number(c.programme_id), Number(c.graduation_year)), Number(c.id)]));
    const cols = pick(ctx, [["student_number", "text"], ["cohort_id", "integer"], ["name", "text"], ["email", "text"], ["phone", "text"], ["wechat", "text"]],
      { cohort_id: "programme_code" });
    const data = rows.map((r) => ({
      student_number: val(r, "student_number"),
      cohort_id: cohortIds.get(K(progIds.get(val<string>(r, "programme_code")!), val<number>(r, "graduation_year"))),
      name: val(r, "name"), email: val(r, "email") ?? null, phone: val(r, "phone") ?? null, wechat: val(r, "wechat") ?? null,
    }));
    return upsertCount(tx, { table: "alumni", cols, key: ["student_number"], update: cols.map(([n]) => n).filter((n) => n !== "student_number"), touch: true }, data, progress);
  };
};

// ---------------------------------------------------------------------------------------
// employers

const EMPLOYER_FIELDS = ["name", "industry", "region"] as const;
const CONTACT_FIELDS = ["contact_position", "contact_email", "contact_phone"] as const;

const employers: Handler = async (ctx, _db, rows) => {
  checkDuplicates(ctx, rows, ["code", "contact_name"], (r) => {
    const name = val<string>(r, "contact_name");
    return name === undefined ? null : K(val<string>(r, "code"), name);
  });
  // One employer per code; the rows of an employer must agree where filled in.
  type Emp = { code: string; firstRow: number; fields: Record<string, { value: string; row: number } | undefined> };
  const emps = new Map<string, Emp>();
  for (const r of rows) {
    const code = val<string>(r, "code");
    if (code === undefined) continue;
    let e = emps.get(code);
    if (!e) emps.set(code, (e = { code, firstRow: r.row, fields: {} }));
    for (const f of EMPLOYER_FIELDS) {
      const v = val<string>(r, f);
      if (v === undefined) continue;
      const seen = e.fields[f];
      if (!seen) e.fields[f] = { value: v, row: r.row };
      else if (seen.value !== v) ctx.err(r.row, f, "employerMismatch", { value: short(v), other: short(seen.value), row: seen.row });
    }
    if (val(r, "contact_name") === undefined && !bad(r, "contact_name")) {
      for (const f of CONTACT_FIELDS) if (val(r, f) !== undefined) ctx.err(r.row, f, "contactWithoutName");
    }
  }

  return async (tx, progress) => {
    const ecols = pick(ctx, [["code", "text"], ["name", "text"], ["industry", "text"], ["region", "text"]]);
    const edata = [...emps.values()].map((e) => ({
      code: e.code, name: e.fields.name?.value, industry: e.fields.industry?.value ?? null, region: e.fields.region?.value ?? null,
    }));
    const eret = await upsertReturning(tx, { table: "employers", cols: ecols, key: ["code"], update: ecols.map(([n]) => n).filter((n) => n !== "code"), touch: true }, edata, ["code"]);
    const empState = new Map(eret.map((x) => [x.code as string, stateOf(x)]));
    const idRows = await query<{ id: number; code: string }>(tx, sql`select id, code from employers where code in ${textArray(emps.keys())}`);
    const empIds = new Map(idRows.map((x) => [x.code, Number(x.id)]));

    const withContact = rows.filter((r) => val(r, "contact_name") !== undefined);
    const ccols = pick(ctx, [["employer_id", "integer"], ["name", "text"], ["position", "text"], ["email", "text"], ["phone", "text"]],
      { employer_id: "code", name: "contact_name", position: "contact_position", email: "contact_email", phone: "contact_phone" });
    const cdata = withContact.map((r) => ({
      employer_id: empIds.get(val<string>(r, "code")!), name: val(r, "contact_name"), position: val(r, "contact_position") ?? null,
      email: val(r, "contact_email") ?? null, phone: val(r, "contact_phone") ?? null,
    }));
    const cret = await upsertReturning(tx, {
      table: "employer_contacts", cols: ccols, key: ["employer_id", "name"], update: ccols.map(([n]) => n).filter((n) => n !== "employer_id" && n !== "name"), touch: true,
    }, cdata, ["employer_id", "name"], progress);
    const contactState = new Map(cret.map((x) => [K(Number(x.employer_id), x.name as string), stateOf(x)]));

    // A row counts as inserted/updated by its contact; the employer's own change counts
    // on the employer's first row.
    const rank = { same: 0, upd: 1, ins: 2 } as const;
    return tally(rows.map((r) => {
      const code = val<string>(r, "code")!;
      const name = val<string>(r, "contact_name");
      const c = name === undefined ? "same" : contactState.get(K(empIds.get(code), name)) ?? "same";
      const e = emps.get(code)!.firstRow === r.row ? empState.get(code) ?? "same" : "same";
      return rank[c] >= rank[e] ? c : e;
    }));
  };
};

const HANDLERS: Record<ImportKind, Handler> = { units, programmes, people, courses, sections, enrolments, graduates, employers };

// ---------------------------------------------------------------------------------------

function translateIssues(fileName: string, issues: Issue[], locale: Locale): ImportRowError[] {
  return issues.map((i) => ({ file: fileName, row: i.row, column: i.column, reason: translate(locale, i.code, i.params) }));
}

function failed(fileName: string, issues: Issue[], count: number, total: number, locale: Locale): ImportResult {
  const sorted = [...issues].sort((a, b) => a.row - b.row || a.order - b.order);
  return {
    ok: false, total, inserted: 0, updated: 0, unchanged: 0,
    errors: translateIssues(fileName, sorted.slice(0, MAX_STORED_ERRORS), locale), errorCount: count,
  };
}

const fromFileIssue = (i: FileIssue): Issue => ({ row: i.row, order: -1, column: i.column, code: i.code, params: i.params });

/**
 * Imports one file. Validates every row first and, if anything is wrong, writes nothing
 * and returns the problems; otherwise writes all rows in one transaction.
 */
export async function runImport(db: Db, input: ImportInput, onProgress?: OnProgress): Promise<ImportResult> {
  const locale = input.locale ?? "zh";
  const report = async (status: ImportStatus, processed: number, total: number) => {
    await onProgress?.({ status, processed, total });
  };

  await report("parsing", 0, 0);
  const parsed = await parseImportFile(input.kind, input.bytes, locale);
  if (!parsed.table) return failed(input.fileName, parsed.issues.map(fromFileIssue), parsed.issues.length, 0, locale);
  const table = parsed.table;
  const total = table.rows.length;
  const ctx = new Ctx(table, locale);

  // Cells.
  await report("validating", 0, total);
  const rows: Row[] = new Array(total);
  for (let i = 0; i < total; i++) {
    const raw = table.rows[i];
    const v: Record<string, unknown> = {};
    for (const c of table.columns) {
      const text = raw.cells[c.index];
      const res = c.def.schema.safeParse(text);
      if (res.success) {
        v[c.def.key] = res.data;
        continue;
      }
      v[c.def.key] = INVALID;
      const issue = res.error.issues[0];
      const value = short((text ?? "").trim());
      if (issue.message.startsWith("imports.")) {
        ctx.err(raw.row, c.def.key, issue.message, { value, ...((issue as { params?: Params }).params ?? {}) });
      } else {
        ctx.err(raw.row, c.def.key, "imports.cell.invalid", { value, detail: issue.message });
      }
    }
    rows[i] = { row: raw.row, v };
    if ((i + 1) % VALIDATE_CHUNK === 0) {
      await report("validating", i + 1, total);
      await yieldToLoop();
    }
  }

  // Rows against each other and against the database.
  const write = await HANDLERS[input.kind](ctx, db, rows);
  await report("validating", total, total);
  if (ctx.count > 0) return failed(input.fileName, ctx.issues, ctx.count, total, locale);

  await report("writing", 0, total);
  const counts = await db.transaction(async (tx) => write(tx, (done) => report("writing", Math.min(done, total), total)));
  await report("writing", total, total);
  return { ok: true, total, inserted: counts.inserted, updated: counts.updated, unchanged: total - counts.inserted - counts.updated, errors: [], errorCount: 0 };
}
