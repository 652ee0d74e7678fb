/**
 * The survey evidence of a programme's school year for indirect attainment (compute.ts
 * computeIndirect): the item scores of the graduating survey (学习与成长满意度调查 of the
 * programme's graduating cohort), the graduate tracking waves (the programme's alumni cohorts)
 * and the employer survey (its employers, in a campaign of the whole school or of a unit above
 * the programme's), from the figures the scoring stored under the year's policy in force.
 *
 * Anonymity: a group enters only when its figures are reported, i.e. it reached the policy's
 * minimum of raters (server/scoring/figures.ts: reported = n ≥ minRatersFor); a group below
 * it adds nothing, not even its n (only how many groups were withheld). Campaigns still open
 * give nothing (their figures are provisional).
 *
 * Which purpose a group serves: the graduating survey and the alumni waves before the fifth
 * year after graduation bear on graduation requirements; the five-year wave on training
 * objectives; the employer survey on both. Years after graduation = the school year's first
 * year − the cohort's graduation year.
 */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { CAMPAIGN_SCHOOL_YEAR } from "../scoring/compute";
import { currentPolicy } from "../scoring/policies";
import { itemScore } from "../scoring/score";
import { scoringModelOfVersion } from "../scoring/store";
import { unitAncestorsSql } from "../org/tree";
import type { SurveyEvidence, SurveySource, IndirectResult } from "./compute";

/** The campaign kind and the rater group of each survey source. */
export const SURVEY_SOURCE_KINDS = {
  graduating: { kind: "graduating_satisfaction", group: "student" },
  alumni: { kind: "graduate_tracking", group: "alumni" },
  employer: { kind: "employer_tracking", group: "employer" },
} as const satisfies Record<SurveySource, { kind: string; group: string }>;

/** The alumni wave that evaluates training objectives: this many years after graduation or more. */
export const OBJECTIVE_WAVE_YEARS = 5;

type Acc = {
  sums: Map<string, { source: SurveySource; item: string; sum: number; n: number }>;
  respondents: Partial<Record<SurveySource, number>>;
};
const acc = (): Acc => ({ sums: new Map(), respondents: {} });
const evidenceOf = (a: Acc): SurveyEvidence => ({
  items: [...a.sums.values()].map((s) => ({ source: s.source, item: s.item, value: s.n ? s.sum / s.n : 0, n: s.n })),
  respondents: a.respondents,
});

export type ProgrammeSurveyEvidence = { requirements: SurveyEvidence; objectives: SurveyEvidence; withheld: IndirectResult["withheld"] };

export async function surveyEvidence(db: DbOrTx, programmeId: number, schoolYear: string): Promise<ProgrammeSurveyEvidence> {
  const req = acc(),
    obj = acc();
  const withheld: IndirectResult["withheld"] = {};
  const policy = await currentPolicy(db, schoolYear);
  if (!policy) return { requirements: evidenceOf(req), objectives: evidenceOf(obj), withheld };
  const [prog] = await queryRows(db, { unit_id: col.int }, sql`select unit_id from programmes where id = ${programmeId}`);
  if (!prog) return { requirements: evidenceOf(req), objectives: evidenceOf(obj), withheld };
  const rows = await queryRows(
    db,
    {
      kind: col.text,
      version_id: col.int,
      n: col.int,
      reported: col.bool,
      counts: col.array(col.int),
      graduation_year: col.int.nullable,
    },
    sql`
    select c.kind::text as kind, r.version_id, r.n, r.reported, r.counts, gc.graduation_year
    from campaigns c left join terms tm on tm.id = c.term_id
      join campaign_targets t on t.campaign_id = c.id
      join target_results r on r.target_id = t.id and r.policy_id = ${policy.id}
      left join graduate_cohorts gc on gc.id = t.cohort_id
    where c.state in ('closed', 'published') and ${CAMPAIGN_SCHOOL_YEAR} = ${schoolYear}
      and ((c.kind = 'graduating_satisfaction' and r.rater_group = 'student' and gc.programme_id = ${programmeId})
        or (c.kind = 'graduate_tracking' and r.rater_group = 'alumni' and gc.programme_id = ${programmeId})
        or (c.kind = 'employer_tracking' and r.rater_group = 'employer' and t.employer_id is not null
          and (c.scope_unit_id is null or c.scope_unit_id in (${unitAncestorsSql(prog.unit_id)}))))
    order by t.id`,
  );
  const firstYear = Number(schoolYear.slice(0, 4));
  for (const r of rows) {
    const source = (Object.keys(SURVEY_SOURCE_KINDS) as SurveySource[]).find((s) => SURVEY_SOURCE_KINDS[s].kind === r.kind);
    if (!source) throw new TypeError(`a campaign of kind ${r.kind} is no survey source`); // the query selects only those kinds
    if (!r.reported) {
      withheld[source] = (withheld[source] ?? 0) + 1;
      continue;
    }
    const targets: Acc[] =
      source === "employer"
        ? [req, obj]
        : source === "graduating"
          ? [req]
          : firstYear - (r.graduation_year ?? firstYear) >= OBJECTIVE_WAVE_YEARS
            ? [obj]
            : [req];
    const model = await scoringModelOfVersion(db, r.version_id);
    if (!model) continue;
    for (const a of targets) a.respondents[source] = (a.respondents[source] ?? 0) + r.n;
    // counts: every item of the version in its order, its scale's positions then "na" (rows.ts)
    let at = 0;
    for (const it of model.items) {
      const id = it.row === null ? it.question : `${it.question}/${it.row}`;
      let sum = 0,
        n = 0;
      it.scale.forEach((v, i) => {
        const c = r.counts[at + i] ?? 0;
        sum += c * itemScore(v, it.scale, 1);
        n += c;
      });
      at += it.scale.length + 1;
      if (!n) continue;
      for (const a of targets) {
        const k = `${source}\u0000${id}`;
        const s = a.sums.get(k) ?? { source, item: id, sum: 0, n: 0 };
        a.sums.set(k, s);
        s.sum += sum;
        s.n += n;
      }
    }
  }
  return { requirements: evidenceOf(req), objectives: evidenceOf(obj), withheld };
}
