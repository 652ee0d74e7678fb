import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaigns, graduateCohorts, instrumentVersions, instruments, persons, terms, units } from "@/db/schema";
import { DEMO_TERMS } from "@/server/demo/seed";
import type { Secret } from "../anonymity/keys";
import { loadSessionUser } from "../auth/users";
import { sendInvitations } from "../invitations/invitations";
import { generateAssignments } from "./assign";
import { createCampaign, openCampaign } from "./campaigns";
import { cohortYearFor, type InstrumentKind } from "./kinds";
import { one } from "@/db/query";

export const DEMO_CAMPAIGNS = {
  endOfTerm: "计算机与信息工程学院 2026-2027-1 学期期末学生评教",
  tracking: "毕业生跟踪调查（示范）",
} as const;

async function latestApproved(db: Db, kind: InstrumentKind): Promise<number> {
  const [v] = await db
    .select({ id: instrumentVersions.id })
    .from(instrumentVersions)
    .innerJoin(instruments, eq(instruments.id, instrumentVersions.instrumentId))
    .where(and(eq(instruments.kind, kind), eq(instrumentVersions.status, "approved")))
    .orderBy(desc(instrumentVersions.version))
    .limit(1);
  if (!v) throw new Error(`demo: no approved ${kind} instrument`);
  return v.id;
}

/**
 * The demo's running campaigns, opened at seeding time: the current term's end-of-term
 * evaluation of the computing college, run by its unit admin (UA-CS; students and
 * self-evaluation, open from a day ago for three weeks), and the quality office's graduate
 * tracking wave (0.5, 3 and 5 years) with its invitations queued. Opening makes a signing
 * key per target (~0.1 s each, which is why the demo's end-of-term campaign is one
 * college's: the whole school's 254 targets take 20–30 s; the quality office can open
 * that one from the campaign pages). Skipped if any campaign exists.
 */
export async function seedDemoCampaigns(db: Db, secret: Secret, now: Date, log: (line: string) => void) {
  const existing = await db.select({ id: campaigns.id }).from(campaigns).limit(1);
  if (existing.length) return;
  const account = async (number: string) => {
    const [p] = await db.select({ id: persons.id }).from(persons).where(eq(persons.number, number));
    const u = p && (await loadSessionUser(db, p.id));
    if (!u) throw new Error(`demo: no ${number} account`);
    return u;
  };
  const quality = await account("quality");
  const unitAdmin = await account("UA-CS");
  const cs = one(await db.select({ id: units.id }).from(units).where(eq(units.code, "CS")));
  const term = one(await db.select({ id: terms.id }).from(terms).where(eq(terms.code, DEMO_TERMS.current)));
  const opensAt = new Date(now.getTime() - 24 * 3600_000);
  const closesAt = new Date(now.getTime() + 21 * 24 * 3600_000);

  const started = performance.now();
  const eot = await createCampaign(
    db,
    unitAdmin,
    {
      kind: "end_of_term",
      name: DEMO_CAMPAIGNS.endOfTerm,
      termId: term.id,
      scopeUnitId: cs.id,
      opensAt,
      closesAt,
      instruments: [
        { raterGroup: "student", instrumentVersionId: await latestApproved(db, "student_evaluation") },
        { raterGroup: "self", instrumentVersionId: await latestApproved(db, "self_evaluation") },
      ],
    },
    now,
  );
  const g = await generateAssignments(db, eot.id);
  log(`Demo campaign "${eot.name}": ${g.targets} targets, ${g.eligibility} raters; making signing keys…`);
  await openCampaign(db, eot.id, now, unitAdmin.id, secret);

  const years = await db.selectDistinct({ y: graduateCohorts.graduationYear }).from(graduateCohorts);
  const have = new Set(years.map((r) => r.y));
  const cohorts = ([0.5, 3, 5] as const)
    .map((offsetYears) => ({
      offsetYears,
      graduationYear: [0, -1, 1].map((d) => cohortYearFor(opensAt, offsetYears) + d).find((y) => have.has(y)),
    }))
    .filter((c): c is { offsetYears: 0.5 | 3 | 5; graduationYear: number } => c.graduationYear !== undefined);
  if (cohorts.length) {
    const wave = await createCampaign(
      db,
      quality,
      {
        kind: "graduate_tracking",
        name: DEMO_CAMPAIGNS.tracking,
        opensAt,
        closesAt,
        cohorts,
        instruments: [{ raterGroup: "alumni", instrumentVersionId: await latestApproved(db, "graduate_tracking") }],
      },
      now,
    );
    await generateAssignments(db, wave.id);
    await openCampaign(db, wave.id, now, quality.id, secret);
    const inv = await sendInvitations(db, quality, wave.id, secret, now);
    log(`Demo campaign "${wave.name}": ${inv.total} invitations (${inv.queued} queued, ${inv.noContact} without contact).`);
  }
  log(`Demo campaigns opened in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}
