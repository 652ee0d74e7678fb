import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { campaigns } from "@/db/schema";
import { col, queryOne, queryRow, queryRows, type Executor } from "@/db/query";
import { recordAudit } from "../kernel/audit";
import { beijingDate, beijingDayEnd, beijingDayStart } from "../kernel/time";
import { INSTRUMENT_KIND_FOR, SECTION_KINDS, type CampaignKind } from "../campaigns/kinds";
import { moveCampaign } from "../campaigns/states";
import { instrumentFileSchema, type InstrumentFile } from "../instruments/format";
import { parseTermCode } from "../imports/layouts";
import { termDates } from "../imports/run";
import type { GroupKey, Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { checkFile, instrumentHash } from "../instruments/versions";
import { recompute } from "./compute";
import {
  LongFormatError,
  parseLongFormat,
  parseVersionLabel,
  readLongTable,
  type LongData,
  type LongTarget,
  type Problem,
} from "./longformat";
import { currentPolicy } from "./policies";
import { storeResponses, type NewResponse } from "./store";
import { parseInput } from "../kernel/validate";
import { atKey } from "@/server/shared/indexed";

/**
 * Loads long-format data (longformat.ts) into a database as closed campaigns of source
 * "import": one per campaign label, its targets, the instrument version of each rater group,
 * the eligible counts, and the responses with their scores (storeResponses, the write path of
 * every response). Two modes:
 *
 *   existing  the app's import of past terms from other systems: sections (term + code),
 *             teachers (staff number), programmes and employers must exist, and each
 *             instrument_version must be a version in the library that is not a draft; the
 *             context columns are ignored (the database knows units and course types). A
 *             campaign of the same name and term imported before is refused.
 *   create    `npm run scores` in its scratch database: units, terms, courses, sections,
 *             teachers, cohorts and employers are made from the codes and context columns, and
 *             the instrument files given become the versions named in the file.
 *
 * Anything that does not resolve refuses the whole load (nothing is written: one transaction).
 */

export type LoadOptions = {
  mode: "existing" | "create";
  locale?: Locale;
  actorId?: number | null;
  /** create mode: the instrument file of each version label */
  files?: Map<string, InstrumentFile>;
  /** create mode: the term of rows without one */
  defaultTerm?: string;
  now?: Date;
};

export type LoadResult = { campaigns: { id: number; name: string; targets: number; responses: number }[]; responses: number };

const ID = { id: col.int };
/** The id an upsert `… returning id` gives (it always returns its row). */
const idOf = async (db: Executor, statement: SQL): Promise<number> => (await queryOne(db, ID, statement)).id;
/** The id of the row a lookup finds, or null. */
const idOrNull = async (db: Executor, statement: SQL): Promise<number | null> => (await queryRow(db, ID, statement))?.id ?? null;

/**
 * A section's targets are an end-of-term campaign's, or a mid-term feedback's when its students
 * answered the mid-term instrument (`versionKinds`: a version label's instrument kind); a cohort
 * answered by students is a graduating survey, by alumni a tracking wave.
 */
function kindOf(t: LongTarget, versionKinds: ReadonlyMap<string, string>): CampaignKind {
  if (t.section !== "") {
    const student = t.groups.find((g) => g.group === "student");
    return student && versionKinds.get(student.versionLabel) === INSTRUMENT_KIND_FOR.mid_term.student ? "mid_term" : "end_of_term";
  }
  if (!t.target.startsWith("cohort:")) return "employer_tracking";
  return t.groups.some((g) => g.group === "student") ? "graduating_satisfaction" : "graduate_tracking";
}

export async function loadHistory(db: DbOrTx, data: LongData, opts: LoadOptions): Promise<LoadResult> {
  const locale = opts.locale ?? "zh";
  const problems: Problem[] = [];
  const fail = (code: GroupKey<"scoring.longFormat">, params?: Record<string, string | number>) => {
    if (problems.length < 50) problems.push({ row: 0, column: null, message: translate(locale, `scoring.longFormat.${code}`, params) });
  };
  return db.transaction(async (tx) => {
    const cache = new Map<string, number | null>();
    const memo = async (key: string, f: () => Promise<number | null>) => {
      if (!cache.has(key)) cache.set(key, await f());
      return atKey(cache, key);
    };

    // --- instrument versions
    const versionIds = new Map<string, number>();
    const versionKinds = new Map<string, string>();
    for (const label of data.versionLabels) {
      const parsed = parseVersionLabel(label); // parseLongFormat refuses a malformed label
      if (!parsed) {
        fail("badVersion", { value: label });
        continue;
      }
      const { key, version } = parsed;
      if (opts.mode === "existing") {
        const v = await queryRow(
          tx,
          { id: col.int, status: col.text, kind: col.text },
          sql`
          select v.id, v.status, i.kind::text as kind from instrument_versions v join instruments i on i.id = v.instrument_id
          where i.key = ${key} and v.version = ${version}`,
        );
        if (!v) {
          fail("versionNotInLibrary", { value: label });
          continue;
        }
        if (v.status === "draft") {
          fail("versionDraft", { value: label });
          continue;
        }
        versionIds.set(label, v.id);
        versionKinds.set(label, v.kind);
      } else {
        const file = opts.files?.get(label);
        const checked = file ? checkFile(file, locale) : null;
        if (!checked || !checked.ok) {
          fail("unknownVersion", { value: label });
          continue;
        }
        const f = parseInput(instrumentFileSchema, checked.file);
        const instrumentId = await idOf(
          tx,
          sql`
          insert into instruments (key, kind, name, name_en) values (${f.key}, ${f.kind}, ${f.name.zh}, ${f.name.en})
          on conflict (key) do update set name = excluded.name returning id`,
        );
        const versionId = await idOf(
          tx,
          sql`
          insert into instrument_versions (instrument_id, version, definition, indicators, hash, status, approved_at, approval_note)
          values (${instrumentId}, ${version}, ${JSON.stringify(f)}::json,
            ${JSON.stringify({ indicators: f.indicators, items: f.items, unscored: f.unscored ?? [] })}::jsonb,
            ${instrumentHash(f)}, 'approved', now(), 'npm run scores') returning id`,
        );
        versionIds.set(label, versionId);
        versionKinds.set(label, f.kind);
      }
    }

    // --- org (create mode) and target resolution
    const school =
      opts.mode === "create"
        ? await memo("school", async () =>
            idOf(
              tx,
              sql`
          insert into units (code, name, kind) values ('SCHOOL', '学校', 'school') on conflict (code) do update set name = excluded.name returning id`,
            ),
          )
        : null;
    const unitId = async (code: string, kind: "college" | "office", parent: number | null): Promise<number | null> => {
      if (code === "") return null;
      return memo(`unit:${code}`, async () =>
        idOf(
          tx,
          sql`
        insert into units (code, name, kind, parent_id) values (${code}, ${code}, ${kind}, ${parent ?? school})
        on conflict (code) do update set name = units.name returning id`,
        ),
      );
    };
    const termId = async (code: string): Promise<number | null> => {
      const tc = parseTermCode(code);
      if (!tc) return null;
      if (opts.mode === "existing") {
        return memo(`term:${code}`, async () => {
          return idOrNull(tx, sql`select id from terms where code = ${tc.code}`);
        });
      }
      const d = termDates(tc);
      return memo(`term:${code}`, async () =>
        idOf(
          tx,
          sql`
        insert into terms (code, school_year, semester, starts_on, ends_on) values (${tc.code}, ${tc.schoolYear}, ${tc.semester}, ${d.startsOn}::date, ${d.endsOn}::date)
        on conflict (code) do update set code = excluded.code returning id`,
        ),
      );
    };

    type Resolved = { sectionId: number | null; teacherId: number | null; cohortId: number | null; employerId: number | null };
    const resolve = async (t: LongTarget, term: number | null): Promise<Resolved | null> => {
      if (t.section !== "") {
        let sectionId: number | null;
        let teacherId: number | null;
        if (opts.mode === "existing") {
          sectionId =
            term === null
              ? null
              : await memo(`sec:${term}:${t.section}`, async () => {
                  return idOrNull(tx, sql`select id from sections where term_id = ${term} and code = ${t.section}`);
                });
          teacherId = await memo(`tea:${t.teacher}`, async () => {
            return idOrNull(tx, sql`select id from persons where number = ${t.teacher} and kind = 'staff'`);
          });
          if (sectionId === null) fail("sectionNotFound", { section: t.section, term: t.term });
          if (teacherId === null) fail("teacherNotFound", { teacher: t.teacher });
          return sectionId === null || teacherId === null ? null : { sectionId, teacherId, cohortId: null, employerId: null };
        }
        const college = await unitId(t.unit, "college", null);
        const tCollege = await unitId(t.teacherUnit, "college", null);
        const office = await unitId(t.teacherOffice, "office", tCollege);
        const course = await memo(`course:${t.section}`, async () =>
          idOf(
            tx,
            sql`
          insert into courses (code, name, unit_id, type, level) values (${t.section}, ${t.section}, ${college ?? school},
            ${t.courseType || "core"}, ${t.level || "undergraduate"})
          on conflict (code) do update set code = excluded.code returning id`,
          ),
        );
        sectionId = await memo(`sec:${term}:${t.section}`, async () =>
          idOf(
            tx,
            sql`
          insert into sections (code, term_id, course_id) values (${t.section}, ${term}, ${course})
          on conflict (term_id, code) do update set code = excluded.code returning id`,
          ),
        );
        teacherId = await memo(`tea:${t.teacher}`, async () =>
          idOf(
            tx,
            sql`
          insert into persons (number, name, kind, unit_id) values (${t.teacher}, ${t.teacher}, 'staff', ${office ?? tCollege})
          on conflict (number) do update set number = excluded.number returning id`,
          ),
        );
        return { sectionId, teacherId, cohortId: null, employerId: null };
      }
      if (t.target.startsWith("cohort:")) {
        const [programme, year] = t.target.slice("cohort:".length).split("/");
        if (opts.mode === "existing") {
          const id = await memo(`cohort:${t.target}`, async () => {
            return idOrNull(
              tx,
              sql`select gc.id from graduate_cohorts gc join programmes p on p.id = gc.programme_id
              where p.code = ${programme} and gc.graduation_year = ${Number(year)}`,
            );
          });
          if (id === null) fail("targetNotFound", { target: t.target });
          return id === null ? null : { sectionId: null, teacherId: null, cohortId: id, employerId: null };
        }
        const college = await unitId(t.unit, "college", null);
        const prog = await memo(`prog:${programme}`, async () =>
          idOf(
            tx,
            sql`
          insert into programmes (code, name, unit_id) values (${programme}, ${programme}, ${college ?? school})
          on conflict (code) do update set code = excluded.code returning id`,
          ),
        );
        const id = await memo(`cohort:${t.target}`, async () =>
          idOf(
            tx,
            sql`
          insert into graduate_cohorts (programme_id, graduation_year) values (${prog}, ${Number(year)})
          on conflict (programme_id, graduation_year) do update set graduation_year = excluded.graduation_year returning id`,
          ),
        );
        return { sectionId: null, teacherId: null, cohortId: id, employerId: null };
      }
      const code = t.target.slice("employer:".length);
      const id = await memo(`emp:${code}`, async () => {
        if (opts.mode === "existing") {
          return idOrNull(tx, sql`select id from employers where code = ${code}`);
        }
        return idOf(
          tx,
          sql`
          insert into employers (code, name) values (${code}, ${code}) on conflict (code) do update set code = excluded.code returning id`,
        );
      });
      if (id === null) fail("targetNotFound", { target: t.target });
      return id === null ? null : { sectionId: null, teacherId: null, cohortId: null, employerId: id };
    };

    // --- campaigns
    const byCampaign = new Map<string, LongTarget[]>();
    for (const t of data.targets) {
      const list = byCampaign.get(t.campaign);
      if (list) list.push(t);
      else byCampaign.set(t.campaign, [t]);
    }
    const result: LoadResult = { campaigns: [], responses: 0 };
    const pending: { campaignId: number; name: string; responses: NewResponse[]; targets: number }[] = [];
    for (const [name, list] of byCampaign) {
      const kinds = new Set(list.map((t) => kindOf(t, versionKinds)));
      if (kinds.size > 1) {
        fail("mixedTargets", { campaign: name });
        continue;
      }
      const [kind] = kinds;
      const [first] = list;
      if (kind === undefined || first === undefined) continue; // a campaign is listed with its first target
      const termCode = first.term || (opts.mode === "create" ? (opts.defaultTerm ?? "") : "");
      const term = termCode ? await termId(termCode) : null;
      if (SECTION_KINDS.includes(kind) && term === null) {
        fail(termCode ? "termNotFound" : "termRequired", { campaign: name, term: termCode });
        continue;
      }
      if (opts.mode === "existing") {
        const dup = await idOrNull(
          tx,
          sql`select id from campaigns where name = ${name} and source = 'import'
          and term_id is not distinct from ${term}`,
        );
        if (dup !== null) {
          fail("alreadyImported", { campaign: name });
          continue;
        }
      }
      // the instrument of each group must be of the kind the campaign kind takes for it
      const groupVersions = new Map<string, string>();
      for (const t of list)
        for (const g of t.groups) {
          const seen = groupVersions.get(g.group);
          if (seen && seen !== g.versionLabel) fail("versionClash", { value: g.versionLabel, other: seen });
          groupVersions.set(g.group, g.versionLabel);
        }
      for (const [group, label] of groupVersions) {
        const want = INSTRUMENT_KIND_FOR[kind][group as keyof (typeof INSTRUMENT_KIND_FOR)[typeof kind]];
        const have = versionKinds.get(label);
        if (have !== undefined && want !== have) fail("groupInstrument", { campaign: name, group, value: label });
      }
      // The term's dates, else the day of the import; both are Beijing calendar dates.
      const today = beijingDate(opts.now ?? new Date());
      const window =
        term !== null
          ? await queryOne(
              tx,
              { starts_on: col.text, ends_on: col.text },
              sql`select starts_on::text, ends_on::text from terms where id = ${term}`,
            )
          : { starts_on: today, ends_on: today };
      if (problems.length) continue;
      const campaignId = await idOf(
        tx,
        sql`
        insert into campaigns (kind, name, term_id, opens_at, closes_at, state, created_by, source)
        values (${kind}, ${name}, ${term}, ${beijingDayStart(window.starts_on).toISOString()}::timestamptz, ${beijingDayEnd(window.ends_on).toISOString()}::timestamptz,
          'draft', ${opts.actorId ?? null}, 'import') returning id`,
      );
      for (const [group, label] of groupVersions) {
        await tx.execute(sql`insert into campaign_instruments (campaign_id, rater_group, instrument_version_id)
          values (${campaignId}, ${group}::rater_group, ${atKey(versionIds, label)})`);
      }
      const responses: NewResponse[] = [];
      for (const t of list) {
        const r = await resolve(t, term);
        if (!r) continue;
        const targetId = await idOf(
          tx,
          sql`
          insert into campaign_targets (campaign_id, section_id, teacher_id, cohort_id, employer_id)
          values (${campaignId}, ${r.sectionId}, ${r.teacherId}, ${r.cohortId}, ${r.employerId}) returning id`,
        );
        for (const g of t.groups) {
          if (g.eligible !== null) {
            await tx.execute(
              sql`insert into imported_eligible (target_id, rater_group, eligible) values (${targetId}, ${g.group}::rater_group, ${g.eligible})`,
            );
          }
          for (const resp of g.responses) {
            responses.push({
              targetId,
              raterGroup: g.group,
              versionId: atKey(versionIds, g.versionLabel),
              answers: resp.answers,
              day: window.ends_on,
              spentTokenHash: `import:${createHash("sha256").update([name, t.section, t.teacher, t.target, g.group, resp.response].join("\u0001")).digest("hex")}`,
            });
          }
        }
      }
      pending.push({ campaignId, name, responses, targets: list.length });
    }
    if (problems.length) throw new LongFormatError(problems, problems.length);
    for (const p of pending) {
      const stored = await storeResponses(tx, p.responses);
      // Through the campaign's own steps, stamped with its window.
      await moveCampaign(tx, p.campaignId, "open", sql`${campaigns.opensAt}`);
      await moveCampaign(tx, p.campaignId, "close", sql`${campaigns.closesAt}`);
      result.campaigns.push({ id: p.campaignId, name: p.name, targets: p.targets, responses: stored });
      result.responses += stored;
    }
    if (opts.mode === "existing") {
      await recordAudit(tx, {
        actorId: opts.actorId ?? null,
        action: "scoring.history.import",
        subject: result.campaigns.map((c) => c.name).join(", "),
        detail: { campaigns: result.campaigns },
      });
    }
    return result;
  });
}

/** Largest long-format file the import page takes (bigger ones: split by campaign). */
export const HISTORY_MAX_BYTES = 100 * 1024 * 1024;

/**
 * The import page's action (quality office): a long-format file of past terms from another
 * system, checked against the library's versions, loaded (mode "existing") and the figures of
 * the school years it touches recomputed under their policies in force.
 */
export async function importHistoryFile(db: Db, actorId: number, bytes: Uint8Array, locale: Locale, now: Date) {
  const table = await readLongTable(bytes, locale, HISTORY_MAX_BYTES);
  const versions = await queryRows(
    db,
    { key: col.text, version: col.int, definition: col.json<InstrumentFile>() },
    sql`
    select i.key, v.version, v.definition from instrument_versions v join instruments i on i.id = v.instrument_id where v.status <> 'draft'`,
  );
  const files = new Map(versions.map((v) => [`${v.key}@${v.version}`, v.definition]));
  const data = parseLongFormat(table, (label) => files.get(label) ?? null, locale);
  const loaded = await loadHistory(db, data, { mode: "existing", actorId, locale, now });
  const years = await queryRows(
    db,
    { y: col.text },
    sql`
    select distinct tm.school_year as y from campaigns c join terms tm on tm.id = c.term_id where c.id = any(${`{${loaded.campaigns.map((c) => c.id).join(",")}}`}::int[])`,
  );
  const recomputed: { schoolYear: string; results: number }[] = [];
  for (const { y } of years) {
    const p = await currentPolicy(db, y);
    if (p) recomputed.push({ schoolYear: y, results: (await recompute(db, p, { trigger: "import", actorId, now: () => now })).results });
  }
  return { ...loaded, rows: data.rows, recomputed };
}
