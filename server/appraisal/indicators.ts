import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { RATER_GROUPS } from "@/db/schema/campaigns";
import { col, queryRows } from "@/db/query";
import type { RaterGroup } from "../campaigns/kinds";
import type { InstrumentFile } from "../instruments/format";
import { formativeSql } from "../campaigns/kinds";
import { idSchema } from "../kernel/ids";
import { unitCollegesSql } from "../org/tree";
import type { CompositeFigures } from "../scoring/figures";
import { currentPolicy } from "../scoring/policies";
import { QUALITY_RULES } from "@/server/shared/scoring/quality";
import { confidenceInterval, mean, sampleSd } from "../scoring/stats";
import { scoringModelOfVersion } from "../scoring/store";
import { parseInput } from "../kernel/validate";
import { atKey } from "@/server/shared/indexed";

/**
 * A teacher's own indicator view ("why is my score 87.3", one level down): per term, for each
 * rater group and instrument version the teacher was rated with in that term's published
 * campaigns, every indicator (一级 and its 二级) as the teacher's mean against the mean of the
 * norm group, and the composite's trend over terms.
 *
 *   counted      only targets that are reported under the school year's policy in force (their
 *                group reached the policy's minimum of raters) and whose campaign is published:
 *                a group below its minimum enters no figure, the teacher's nor the norm's; the
 *                self-evaluation is not compared
 *   teacher      the valid responses (the policy's quality rules that exclude, unless the
 *                target's cap stopped them) of the teacher's reported targets, pooled: mean, n
 *                (responses that scored the indicator) and the 95 % t-interval
 *   norm group   the reported targets of the same term, rater group and instrument version
 *                that share the policy's norm group (college of the course, course type or
 *                level) with one of the teacher's targets, the teacher's own among them (as the
 *                figures' norms): the mean of their class means, k (classes) and the 95 %
 *                t-interval of that mean; none below 2 classes
 *   difference   marked only where the two 95 % intervals do not overlap: "above" when the
 *                teacher's lower limit is above the norm's upper limit, "below" the other way
 *   scale        the policy's full mark (response scores are 0–100: × outOf / 100)
 *   trend        per term with published results the composite of that term under its year's
 *                policy in force, with its n (the ratings counted) and 95 % interval; a term in
 *                which a campaign of the teacher is closed but not yet published is left out
 *                (not for a formative one, which enters no composite: FORMATIVE_KINDS)
 */

export const indicatorViewInput = z.object({ termId: idSchema.optional() }).strict();

export type Interval = [number, number];
export type Figure = { mean: number; n: number; ci95: Interval | null };
export type Difference = "above" | "below" | null;
export type IndicatorRow = {
  id: string;
  name: { zh: string; en: string };
  level: number;
  parent: string | null;
  teacher: Figure | null;
  norm: Figure | null;
  difference: Difference;
};
export type IndicatorBlock = {
  group: RaterGroup;
  versionId: number;
  instrument: string;
  instrumentName: { zh: string; en: string };
  /** the teacher's valid responses and reported targets in this block */
  n: number;
  targets: number;
  /** classes in the norm group */
  normClasses: number;
  indicators: IndicatorRow[];
};
export type TermRef = { id: number; code: string; schoolYear: string };

const Z95 = 1.959963984540054;

/** Mean, n and 95 % t-interval of pooled (n, mean, sd) parts (the parts' responses taken together). */
export function pooledFigure(parts: readonly { n: number; mean: number; sd: number | null }[], top: number): Figure | null {
  const use = parts.filter((p) => p.n > 0);
  const n = use.reduce((a, p) => a + p.n, 0);
  if (n === 0) return null;
  const m = use.reduce((a, p) => a + p.n * p.mean, 0) / n;
  if (n < 2) return { mean: m, n, ci95: null };
  const ss = use.reduce((a, p) => a + (p.n - 1) * (p.sd ?? 0) ** 2 + p.n * (p.mean - m) ** 2, 0);
  const ci = confidenceInterval(m, Math.sqrt(ss / (n - 1)) / Math.sqrt(n), n, 0.95, top);
  return { mean: m, n, ci95: ci ? [ci.low, ci.high] : null };
}

/** The norm group's figure from its class means: their mean, k and the 95 % t-interval of the mean; null below 2 classes. */
export function normFigure(classMeans: readonly number[], top: number): Figure | null {
  if (classMeans.length < 2) return null;
  const m = mean(classMeans);
  const sd = sampleSd(classMeans);
  const ci = confidenceInterval(m, sd === null ? null : sd / Math.sqrt(classMeans.length), classMeans.length, 0.95, top);
  return { mean: m, n: classMeans.length, ci95: ci ? [ci.low, ci.high] : null };
}

/** "above" / "below" only where the intervals separate; null when they overlap or one is unknown. */
export function differenceOf(teacher: Figure | null, norm: Figure | null): Difference {
  if (!teacher?.ci95 || !norm?.ci95) return null;
  if (teacher.ci95[0] > norm.ci95[1]) return "above";
  if (teacher.ci95[1] < norm.ci95[0]) return "below";
  return null;
}

/** The terms in which the teacher has a target of a published campaign, latest first. */
export async function teacherTerms(db: DbOrTx, teacherId: number): Promise<TermRef[]> {
  return queryRows(
    db,
    { id: col.int, code: col.text, schoolYear: col.text },
    sql`
    select distinct tm.id, tm.code, tm.school_year as "schoolYear", tm.starts_on
    from campaign_targets t join campaigns c on c.id = t.campaign_id join terms tm on tm.id = c.term_id
    where t.teacher_id = ${teacherId} and c.state = 'published'
    order by tm.starts_on desc`,
  );
}

type Localized = { zh: string; en: string };
const localized = (v: unknown): Localized => {
  if (typeof v === "string") return { zh: v, en: v };
  const o = (v ?? {}) as Record<string, string>;
  return { zh: o.zh ?? o.default ?? "", en: o.en ?? o.zh ?? o.default ?? "" };
};

/** The indicator blocks of one term for a teacher (see the module comment); empty when nothing is reported. */
export async function termIndicators(
  db: DbOrTx,
  teacherId: number,
  term: TermRef,
): Promise<{ policyVersion: number | null; outOf: number; blocks: IndicatorBlock[] }> {
  const policy = await currentPolicy(db, term.schoolYear);
  if (!policy) return { policyVersion: null, outOf: 100, blocks: [] };
  const outOf = policy.policy.outOf;
  const targets = await queryRows(
    db,
    {
      target_id: col.int,
      teacher_id: col.int.nullable,
      g: col.oneOf(RATER_GROUPS),
      version_id: col.int,
      unit_id: col.int.nullable,
      course_type: col.text.nullable,
      level: col.text.nullable,
    },
    sql`
    select r.target_id, t.teacher_id, r.rater_group::text as g, r.version_id, uc.college_id as unit_id, co.type::text as course_type, co.level::text as level
    from target_results r join campaign_targets t on t.id = r.target_id join campaigns c on c.id = t.campaign_id
      join sections s on s.id = t.section_id join courses co on co.id = s.course_id
      left join (${unitCollegesSql()}) uc on uc.unit_id = co.unit_id
    where r.policy_id = ${policy.id} and r.reported and r.rater_group <> 'self' and c.term_id = ${term.id} and c.state = 'published'`,
  );
  const normKey = (t: (typeof targets)[number]) =>
    String(policy.policy.normGroup === "unit" ? t.unit_id : policy.policy.normGroup === "course_type" ? t.course_type : t.level);
  const blockKey = (t: { g: string; version_id: number }) => `${t.g}\u0001${t.version_id}`;
  const groupOf = new Map(targets.map((t) => [blockKey(t), t.g]));
  const mine = targets.filter((t) => t.teacher_id === teacherId);
  if (mine.length === 0) return { policyVersion: policy.version, outOf, blocks: [] };
  const keysOf = new Map<string, Set<string>>();
  for (const t of mine) keysOf.set(blockKey(t), (keysOf.get(blockKey(t)) ?? new Set()).add(normKey(t)));
  const members = targets.filter((t) => keysOf.get(blockKey(t))?.has(normKey(t)));
  // the bits of the rules that exclude (response_scores.quality_flags, quality.ts)
  const excluding = QUALITY_RULES.reduce((m, r) => (policy.policy.quality[r.id] === "exclude" ? m | r.bit : m), 0);
  // per member target and indicator (its position in the version's depth-first order): the valid responses' n, mean, SD
  const stats = await queryRows(
    db,
    { target_id: col.int, g: col.text, ord: col.int, n: col.int, m: col.num, sd: col.num.nullable },
    sql`
    select rs.target_id, rs.rater_group::text as g, u.ord::int as ord, count(*)::int as n, avg(u.v) as m, stddev_samp(u.v) as sd
    from response_scores rs join target_results r on r.policy_id = ${policy.id} and r.target_id = rs.target_id and r.rater_group = rs.rater_group
      cross join lateral unnest(rs.indicators) with ordinality as u(v, ord)
    where rs.target_id = any(${`{${members.map((t) => t.target_id).join(",")}}`}::int[]) and rs.rater_group <> 'self' and r.reported
      and rs.total is not null and u.v is not null
      ${excluding ? sql`and (r.cap_exceeded or (rs.quality_flags & ${excluding}::smallint) = 0)` : sql``}
    group by rs.target_id, rs.rater_group, u.ord`,
  );
  const scale = outOf / 100;
  // keyed by target × rater group (a class has its students' and its observers' scores)
  const byTarget = new Map<string, Map<number, { n: number; mean: number; sd: number | null }>>();
  const tg = (t: { target_id: number; g: string }) => `${t.target_id}\u0001${t.g}`;
  for (const s of stats) {
    const m = byTarget.get(tg(s)) ?? new Map<number, { n: number; mean: number; sd: number | null }>();
    m.set(s.ord, { n: s.n, mean: s.m * scale, sd: s.sd === null ? null : s.sd * scale });
    byTarget.set(tg(s), m);
  }
  const versions = [...new Set(mine.map((t) => t.version_id))];
  const defs = new Map(
    (
      await queryRows(
        db,
        { id: col.int, key: col.text, name: col.text, name_en: col.text.nullable, definition: col.json<InstrumentFile>() },
        sql`
    select v.id, i.key, i.name, i.name_en, v.definition from instrument_versions v join instruments i on i.id = v.instrument_id
    where v.id = any(${`{${versions.join(",")}}`}::int[])`,
      )
    ).map((d) => [d.id, d]),
  );
  const blocks: IndicatorBlock[] = [];
  for (const [key] of keysOf) {
    const g = atKey(groupOf, key); // mine are among the targets
    const versionId = Number(key.split("\u0001")[1]);
    const def = defs.get(versionId);
    const model = await scoringModelOfVersion(db, versionId);
    if (!def || !model) continue;
    const info = new Map<string, { name: Localized; level: number; parent: string | null }>();
    const walk = (list: InstrumentFile["indicators"], level: number, parent: string | null) =>
      list.forEach((ind) => {
        info.set(ind.id, { name: localized(ind.name), level, parent });
        if (ind.children) walk(ind.children, level + 1, ind.id);
      });
    walk(def.definition.indicators, 1, null);
    const own = mine.filter((t) => blockKey(t) === key);
    const group = members.filter((t) => blockKey(t) === key);
    const indicators = model.indicatorIds.map((id, i): IndicatorRow => {
      const ord = i + 1;
      const teacher = pooledFigure(
        own.flatMap((t) => byTarget.get(tg(t))?.get(ord) ?? []),
        outOf,
      );
      const norm = normFigure(
        group.flatMap((t) => {
          const s = byTarget.get(tg(t))?.get(ord);
          return s ? [s.mean] : [];
        }),
        outOf,
      );
      const meta = info.get(id);
      return {
        id,
        name: meta?.name ?? { zh: id, en: id },
        level: meta?.level ?? 1,
        parent: meta?.parent ?? null,
        teacher,
        norm,
        difference: differenceOf(teacher, norm),
      };
    });
    const n = own.reduce((a, t) => a + Math.max(0, ...[...(byTarget.get(tg(t))?.values() ?? [])].map((s) => s.n)), 0);
    blocks.push({
      group: g,
      versionId,
      instrument: def.key,
      instrumentName: { zh: def.name, en: def.name_en ?? def.name },
      n,
      targets: own.length,
      normClasses: group.length,
      indicators,
    });
  }
  const order = ["student", "supervisor", "peer", "leader", "alumni", "employer"];
  blocks.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group) || a.versionId - b.versionId);
  return { policyVersion: policy.version, outOf, blocks };
}

/** The teacher's composite per term with published results (see the module comment), oldest first. */
export async function termTrend(db: DbOrTx, teacherId: number) {
  const rows = await queryRows(
    db,
    { code: col.text, school_year: col.text, composite: col.json<CompositeFigures>() },
    sql`
    with cur as (select distinct on (school_year) id, school_year from scoring_policies where status = 'approved' order by school_year, version desc)
    select tm.code, tm.school_year, tc.composite
    from teacher_composites tc join cur on cur.id = tc.policy_id join terms tm on tm.id = tc.term_id
    where tc.teacher_id = ${teacherId} and tc.score is not null
      and exists (select 1 from campaign_targets t join campaigns c on c.id = t.campaign_id
        where t.teacher_id = ${teacherId} and c.term_id = tm.id and c.state = 'published')
      and not exists (select 1 from campaign_targets t join campaigns c on c.id = t.campaign_id
        where t.teacher_id = ${teacherId} and c.term_id = tm.id and c.state = 'closed' and not ${formativeSql()})
    order by tm.starts_on`,
  );
  return rows.map((r) => {
    const c = r.composite;
    const n = c.parts.reduce((a, p) => a + Object.values(p.groups).reduce((b, g) => b + (g?.n ?? 0), 0), 0);
    const score = c.score ?? 0;
    return {
      term: r.code,
      schoolYear: r.school_year,
      score,
      n,
      ci95: c.se === null || c.se === undefined ? null : ([Math.max(0, score - Z95 * c.se), Math.min(100, score + Z95 * c.se)] as Interval),
    };
  });
}

/** The teacher's own indicator view of a term (the latest with published results by default), the terms to choose from, and the trend. */
export async function indicatorView(db: DbOrTx, teacherId: number, raw: z.input<typeof indicatorViewInput>) {
  const input = parseInput(indicatorViewInput, raw);
  const terms = await teacherTerms(db, teacherId);
  const term = input.termId === undefined ? (terms[0] ?? null) : (terms.find((t) => t.id === input.termId) ?? null);
  const figures = term ? await termIndicators(db, teacherId, term) : { policyVersion: null, outOf: 100, blocks: [] };
  return { terms, term, ...figures, trend: await termTrend(db, teacherId) };
}
