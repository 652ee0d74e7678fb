import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRow, queryRows } from "@/db/query";
import { notFound } from "../kernel/errors";
import { NA_VALUE } from "../instruments/format";
import { scopeOf, scopeTargets, targetKey } from "./compute";
import type { CompositeFigures, ReliabilityFigures } from "./figures";
import { figuresFromRow, itemShapes, TARGET_RESULT_SPEC } from "./rows";
import { parsePolicy } from "./policy";
import { policyHash } from "./policies";
import { scoringModelOfVersion } from "./store";
import { versionLabel } from "./export";

/**
 * The results of a school year under a policy as one JSON document, named by codes only (no
 * database ids), so that the app's figures and those of `npm run scores` over the year's
 * export can be compared as they are. What the CLI writes and the results page downloads:
 *
 *   policy       { school_year, key, hash }: the policy that made every figure
 *   targets      per target × rater group: campaign, term, section, teacher, target, rater_group,
 *                instrument_version, unit, course_type, level, eligible, n, response_rate, mean,
 *                trimmed_mean, median, sd, se, ci95 [low, high] (cut at 0 and the full mark),
 *                reliability, reliability_low (at the lower limit of the ICC's 95 % interval), eb_score, reported, all {n, mean, trimmed_mean, median, sd}, quality,
 *                norm {z, t, percentile_rank, rank, of} (null when rank_withheld), rank_withheld
 *                (reliability_low below the policy's minReliability, or unknown), distribution
 *                {item: [{value, count}]} over the valid responses
 *   reliability  per group of classes: term (or campaign), instrument_version, unit, rater_group,
 *                k, n, n0, icc1, icck, raters_for_0_7, raters_for_0_8, unavailable
 *   teachers     per teacher per term and per school year: teacher, term (null: the year),
 *                school_year, composite, reliability, reliability_low, parts, missing, renormalised, norm and
 *                ranks (null when rank_withheld), rank_withheld; the school-year entries (term null)
 *                also the appraisal (server/appraisal/band.ts): band (excellent | good | pass | fail |
 *                null), band_reason (score | quota | veto | insufficient_evidence | exempt), borderline,
 *                ci95 of the composite [low, high] (null when its SE is unknown)
 * Sorted by those codes. Numbers are full precision (figures are deterministic: see figures.ts).
 */

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function resultsDocument(db: DbOrTx, policyId: number) {
  const p = await queryRow(
    db,
    { school_year: col.text, policy: col.json<unknown>() },
    sql`
    select school_year, policy from scoring_policies where id = ${policyId}`,
  );
  if (!p) throw notFound("scoring.errors.policyNotFound");
  const policy = parsePolicy(p.policy);
  const scope = await scopeOf(db, p.school_year);
  const targets = new Map((await scopeTargets(db, scope)).map((t) => [t.id, t]));
  const ID_CODE = { id: col.int, code: col.text };
  const labels = new Map(
    (
      await queryRows(
        db,
        { id: col.int, key: col.text, version: col.int },
        sql`
    select v.id, i.key, v.version from instrument_versions v join instruments i on i.id = v.instrument_id`,
      )
    ).map((v) => [v.id, versionLabel(v.key, v.version)]),
  );
  const units = new Map((await queryRows(db, ID_CODE, sql`select id, code from units`)).map((u) => [u.id, u.code]));
  const terms = new Map((await queryRows(db, ID_CODE, sql`select id, code from terms`)).map((t) => [t.id, t.code]));
  const campaigns = new Map(
    (await queryRows(db, { id: col.int, name: col.text }, sql`select id, name from campaigns`)).map((c) => [c.id, c.name]),
  );
  const teachers = new Map(
    (await queryRows(db, { id: col.int, number: col.text }, sql`select id, number from persons where kind = 'staff'`)).map((t) => [
      t.id,
      t.number,
    ]),
  );

  const rows = await queryRows(
    db,
    TARGET_RESULT_SPEC,
    sql`
    select *, rater_group::text as rater_group from target_results where policy_id = ${policyId}`,
  );
  const out = [];
  for (const r of rows) {
    const t = targets.get(r.target_id);
    if (!t) continue;
    const model = await scoringModelOfVersion(db, r.version_id);
    const f = figuresFromRow(r, itemShapes(model));
    const distribution: Record<string, { value: number | string; count: number }[]> = {};
    for (const item of model?.items ?? []) {
      const id = item.row === null ? item.question : `${item.question}/${item.row}`;
      const counts = f.counts[id] ?? [];
      distribution[id] = [...item.scale, NA_VALUE].map((value, i) => ({ value, count: counts[i] ?? 0 }));
    }
    const v = f.valid;
    out.push({
      sortKey: `${targetKey(t)}\u0001${r.rater_group}`,
      campaign: t.campaign,
      term: t.term_code,
      section: t.section_code,
      teacher: t.teacher_number,
      target: t.target_label,
      rater_group: r.rater_group,
      instrument_version: labels.get(f.versionId) ?? null,
      unit: t.unit_code,
      course_type: t.course_type,
      level: t.level,
      eligible: v.eligible,
      n: v.n,
      response_rate: v.responseRate,
      mean: v.mean,
      trimmed_mean: v.trimmedMean,
      median: v.median,
      sd: v.sd,
      se: v.se,
      ci95: v.ci95 ? [v.ci95.low, v.ci95.high] : null,
      reliability: f.reliability,
      reliability_low: f.reliabilityLow,
      eb_score: f.ebScore,
      reported: f.reported,
      all: { n: f.all.n, mean: f.all.mean, trimmed_mean: f.all.trimmedMean, median: f.all.median, sd: f.all.sd },
      quality: { ...f.quality, eligible_below_n: f.eligibleBelowN },
      norm: f.norm
        ? { z: f.norm.z, t: f.norm.t, percentile_rank: f.norm.percentileRank, rank: f.norm.rank, of: f.norm.of, mean: f.norm.mean }
        : null,
      rank_withheld: f.rankWithheld,
      distribution,
    });
  }
  out.sort((a, b) => cmp(a.sortKey, b.sortKey));

  const rel = (
    await queryRows(db, { stats: col.json<ReliabilityFigures>() }, sql`select stats from reliability_results where policy_id = ${policyId}`)
  )
    .map((x) => x.stats)
    .map((r) => ({
      term: r.termId === null ? null : (terms.get(r.termId) ?? null),
      campaign: r.campaignId === null ? null : (campaigns.get(r.campaignId) ?? null),
      instrument_version: labels.get(r.versionId) ?? null,
      unit: r.unitId === null ? null : (units.get(r.unitId) ?? null),
      rater_group: r.group,
      k: r.k,
      n: r.N,
      n0: r.n0,
      icc1: r.icc1,
      icck: r.icck,
      raters_for_0_7: r.ratersFor07,
      raters_for_0_8: r.ratersFor08,
      unavailable: r.unavailable,
    }))
    .sort((a, b) =>
      cmp(
        [a.term, a.campaign, a.instrument_version, a.unit, a.rater_group].join("\u0001"),
        [b.term, b.campaign, b.instrument_version, b.unit, b.rater_group].join("\u0001"),
      ),
    );

  const bands = new Map(
    (
      await queryRows(
        db,
        {
          teacher_id: col.int,
          band: col.text.nullable,
          reason: col.text,
          borderline: col.bool,
          ci_low: col.num.nullable,
          ci_high: col.num.nullable,
        },
        sql`select teacher_id, band, reason, borderline, ci_low, ci_high from appraisal_results where policy_id = ${policyId}`,
      )
    ).map((b) => [b.teacher_id, b]),
  );
  const appraisalOf = (teacherId: number) => {
    const b = bands.get(teacherId);
    return {
      band: b?.band ?? null,
      band_reason: b?.reason ?? null,
      borderline: b?.borderline ?? false,
      ci95: b && b.ci_low !== null && b.ci_high !== null ? [b.ci_low, b.ci_high] : null,
    };
  };
  const comps = (
    await queryRows(
      db,
      { composite: col.json<CompositeFigures>() },
      sql`select composite from teacher_composites where policy_id = ${policyId}`,
    )
  )
    .map((x) => x.composite)
    .map((c) => ({
      teacher: teachers.get(c.teacherId) ?? null,
      term: c.termId === null ? null : (terms.get(c.termId) ?? null),
      school_year: c.schoolYear,
      composite: c.score,
      reliability: c.reliability,
      reliability_low: c.reliabilityLow,
      parts: c.parts.map((pt) => ({
        course_type: pt.courseType,
        score: pt.score,
        weight: pt.weight,
        groups: pt.groups,
        used: pt.used,
        missing: pt.missing,
      })),
      missing: c.missing,
      renormalised: c.renormalised,
      norm: c.norm ? { z: c.norm.z, t: c.norm.t, percentile_rank: c.norm.percentileRank, of: c.norm.of } : null,
      ranks: {
        office: c.ranks.office,
        office_of: c.ranks.officeOf,
        college: c.ranks.college,
        college_of: c.ranks.collegeOf,
        school: c.ranks.school,
        school_of: c.ranks.schoolOf,
      },
      rank_withheld: c.rankWithheld,
      ...(c.termId === null ? appraisalOf(c.teacherId) : {}),
    }))
    .sort((a, b) => cmp(`${a.teacher}\u0001${a.term ?? "~"}`, `${b.teacher}\u0001${b.term ?? "~"}`));

  return {
    format: "tqe-scores/2",
    policy: { school_year: policy.schoolYear, key: policy.key, hash: policyHash(policy) },
    targets: out.map(({ sortKey: _s, ...rest }) => rest),
    reliability: rel,
    teachers: comps,
  };
}

export type ResultsDocument = Awaited<ReturnType<typeof resultsDocument>>;
