// Test-only helpers for the collection side (campaigns that are open and collect answers):
// campaigns on the fixture school, the respondent's side of blind-token issuance done with
// the browser's own functions (server/shared/anonymity/client.ts), anonymous submission, and the tracking data
// (cohorts, alumni, employers, contacts) the fixture school does not have.
import { and, eq, isNull, sql } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "@/db/client";
import { col, one, queryRows } from "@/db/query";
import { alumni, campaignTargets, eligibility, employerContacts, employers, graduateCohorts, invitations } from "@/db/schema";
import { blindToken, finalizeToken, fromBase64, prepareToken, toBase64 } from "@/server/shared/anonymity/client";
import { at, atKey } from "@/server/shared/indexed";
import { issueForInvitation, issueTokens } from "../anonymity/issue";
import { submitResponse, type SubmitInput } from "../anonymity/submit";
import { publicKeysFor } from "../anonymity/targetkeys";
import { generateAssignments } from "../campaigns/assign";
import { createCampaign, openCampaign, type CreateCampaignInput } from "../campaigns/campaigns";
import { tinyVersions } from "../campaigns/testing";
import type { Mailer } from "../outbox/outbox";
import { type School, sessionOf } from "./fixtures";

export const SECRET = "collection-test-secret-0123456789abcdef";
export const BASE_URL = "https://pj.example.edu.cn";
export const NOW = new Date("2026-12-20T08:00:00Z");
export const OPENS = new Date("2026-12-25T00:00:00Z");
export const CLOSES = new Date("2027-01-15T00:00:00Z");
export const DURING = new Date("2026-12-28T03:00:00Z");
export const LATER = new Date("2027-01-03T09:00:00Z");

export type Token = { targetId: number; token: string; signature: string };

type TargetRow = typeof campaignTargets.$inferSelect;

/**
 * Creates (as the quality office unless `actor` is given), generates and opens a campaign,
 * with its keys made at opening (openCampaign with the secret). Returns it and its targets.
 */
export async function openedCampaign(db: Db, s: School, input: CreateCampaignInput, opts: { actorId?: number } = {}) {
  const actor = await sessionOf(db, { id: opts.actorId ?? s.people.quality.id });
  const c = await createCampaign(db, actor, input, NOW);
  await generateAssignments(db, c.id);
  await openCampaign(db, c.id, DURING, null, SECRET);
  const targets: TargetRow[] = await db
    .select()
    .from(campaignTargets)
    .where(eq(campaignTargets.campaignId, c.id))
    .orderBy(campaignTargets.id);
  return { id: c.id, name: c.name, targets };
}

/** An end-of-term campaign of the fixture term (students, and self when asked) opened at DURING. */
export async function endOfTermCampaign(db: Db, s: School, opts: { self?: boolean; name?: string } = {}) {
  const kinds: ("student_evaluation" | "self_evaluation")[] = opts.self
    ? ["student_evaluation", "self_evaluation"]
    : ["student_evaluation"];
  const v = await tinyVersions(db, kinds, s.people.quality.id);
  const instruments: CreateCampaignInput["instruments"] = [
    { raterGroup: "student", instrumentVersionId: v.student_evaluation },
    ...(opts.self ? [{ raterGroup: "self" as const, instrumentVersionId: v.self_evaluation }] : []),
  ];
  const c = await openedCampaign(db, s, {
    kind: "end_of_term",
    name: opts.name ?? "期末评教",
    termId: s.term.id,
    opensAt: OPENS,
    closesAt: CLOSES,
    instruments,
  });
  return { ...c, versionId: v.student_evaluation };
}

async function blinded(pk: string) {
  const token = prepareToken();
  return { token, pk, ...(await blindToken(pk, token)) };
}

async function finalized(targetId: number, b: Awaited<ReturnType<typeof blinded>>, blindSig: string): Promise<Token> {
  return {
    targetId,
    token: toBase64(b.token),
    signature: toBase64(await finalizeToken(b.pk, b.token, fromBase64(blindSig), b.inv)),
  };
}

/**
 * The student's side of issuance: blind a token for each of the person's pending (not
 * excluded, not issued) student targets of the campaign, one request, finalize (which
 * throws unless each signature verifies under the published key).
 */
export async function studentTokens(db: Db, campaignId: number, personId: number, now = DURING, order?: number[]): Promise<Token[]> {
  const own = await db
    .select({ t: eligibility.targetId })
    .from(eligibility)
    .innerJoin(campaignTargets, eq(campaignTargets.id, eligibility.targetId))
    .where(
      and(
        eq(campaignTargets.campaignId, campaignId),
        eq(eligibility.personId, personId),
        eq(eligibility.raterGroup, "student"),
        eq(eligibility.excluded, false),
        isNull(eligibility.tokenIssuedOn),
      ),
    );
  // `order`: the targets in the order the request names them (they must be exactly the pending ones).
  const targetIds = order ?? own.map((r) => r.t);
  const keys = await publicKeysFor(db, targetIds);
  const prepared = await Promise.all(targetIds.map((t) => blinded(atKey(keys, t))));
  const res = await issueTokens(
    db,
    {
      personId,
      campaignId,
      blinded: prepared.map((p, i) => ({ targetId: at(targetIds, i), blindedMsg: toBase64(p.blindedMsg) })),
    },
    now,
    SECRET,
  );
  return Promise.all(
    prepared.map((p, i) => {
      const signature = at(res.signatures, i);
      expect(signature.targetId).toBe(targetIds[i]);
      return finalized(at(targetIds, i), p, signature.blindSig);
    }),
  );
}

/** The invitee's side: blind one token for the invitation's target, have it signed (uses the link up), finalize. */
export async function invitationTokenFor(db: Db, invitationId: number, now = DURING): Promise<Token> {
  const inv = one(await db.select({ t: invitations.targetId }).from(invitations).where(eq(invitations.id, invitationId)));
  const pk = atKey(await publicKeysFor(db, [inv.t]), inv.t);
  const b = await blinded(pk);
  const res = await issueForInvitation(db, { invitationId, blindedMsg: toBase64(b.blindedMsg) }, now, SECRET);
  expect(res.signatures).toHaveLength(1);
  return finalized(inv.t, b, at(res.signatures, 0).blindSig);
}

/** Submits answers (q1 of the tiny instruments) or a refusal with a token, anonymously. */
export function submit(db: Db, t: Token, opts: { declined?: boolean; q1?: number; now?: Date } = {}) {
  const input: SubmitInput = {
    targetId: t.targetId,
    token: t.token,
    signature: t.signature,
    locale: "zh",
    ...(opts.declined ? { declined: true, answers: {} } : { answers: { q1: opts.q1 ?? 5 } }),
  };
  return submitResponse(db, input, opts.now ?? LATER, SECRET);
}

/**
 * Tracking data on the fixture school: the 2026 graduates of both programmes (surveyed
 * half a year on by a wave opening in December 2026) and the 2020 graduates of 软件工程
 * (not surveyed); employers E1 (two contacts), E2 (one contact without any address) and E3
 * (not surveyed). Alumni and contacts with an e-mail address, a phone only, or neither.
 */
export async function trackingData(db: Db, s: School) {
  const cohorts = await db
    .insert(graduateCohorts)
    .values([
      { programmeId: s.progA.id, graduationYear: 2026 },
      { programmeId: s.progB.id, graduationYear: 2026 },
      { programmeId: s.progA.id, graduationYear: 2020 },
    ])
    .returning();
  const cohortA = at(cohorts, 0);
  const cohortB = at(cohorts, 1);
  const cohortOld = at(cohorts, 2);
  const alumniRows = await db
    .insert(alumni)
    .values([
      {
        cohortId: cohortA.id,
        studentNumber: "2022001",
        name: "校友甲",
        email: "a1@alumni.example.com",
        phone: "13800000001",
        wechat: "wx_a1",
      },
      { cohortId: cohortA.id, studentNumber: "2022002", name: "校友乙", phone: "13800000002" },
      { cohortId: cohortA.id, studentNumber: "2022003", name: "校友丙" },
      { cohortId: cohortA.id, studentNumber: "2022004", name: "校友丁", email: "a4@alumni.example.com" },
      { cohortId: cohortB.id, studentNumber: "2022101", name: "校友戊", email: "b1@alumni.example.com" },
      { cohortId: cohortOld.id, studentNumber: "2016001", name: "老校友", email: "old1@alumni.example.com" },
    ])
    .returning();
  const a1 = at(alumniRows, 0);
  const a2 = at(alumniRows, 1);
  const a3 = at(alumniRows, 2);
  const a4 = at(alumniRows, 3);
  const b1 = at(alumniRows, 4);
  const old1 = at(alumniRows, 5);
  const employerRows = await db
    .insert(employers)
    .values([
      { code: "91110000DEMO00001", name: "甲科技有限公司" },
      { code: "91110000DEMO00002", name: "乙教育集团" },
      { code: "91110000DEMO00003", name: "丙银行" },
    ])
    .returning();
  const e1 = at(employerRows, 0);
  const e2 = at(employerRows, 1);
  const e3 = at(employerRows, 2);
  const contactRows = await db
    .insert(employerContacts)
    .values([
      { employerId: e1.id, name: "人事经理", email: "hr@e1.example.com", phone: "13900000001" },
      { employerId: e1.id, name: "技术总监", phone: "13900000002" },
      { employerId: e2.id, name: "园长" },
      { employerId: e3.id, name: "行长", email: "boss@e3.example.com" },
    ])
    .returning();
  const c1 = at(contactRows, 0);
  const c2 = at(contactRows, 1);
  const c3 = at(contactRows, 2);
  const c4 = at(contactRows, 3);
  return { cohortA, cohortB, cohortOld, a1, a2, a3, a4, b1, old1, e1, e2, e3, c1, c2, c3, c4 };
}
export type Tracking = Awaited<ReturnType<typeof trackingData>>;

/** A graduate tracking wave (the 2026 cohorts at half a year), opened at DURING with keys. */
export async function graduateCampaign(db: Db, s: School, opts: { actorId?: number; scopeUnitId?: number } = {}) {
  const v = await tinyVersions(db, ["graduate_tracking"] as const, s.people.quality.id);
  const c = await openedCampaign(
    db,
    s,
    {
      kind: "graduate_tracking",
      name: "2026届毕业生跟踪调查",
      opensAt: OPENS,
      closesAt: CLOSES,
      scopeUnitId: opts.scopeUnitId,
      cohorts: [{ graduationYear: 2026, offsetYears: 0.5 }],
      instruments: [{ raterGroup: "alumni", instrumentVersionId: v.graduate_tracking }],
    },
    opts,
  );
  return { ...c, versionId: v.graduate_tracking };
}

/** An employer tracking campaign of E1 and E2, opened at DURING with keys. */
export async function employerCampaign(db: Db, s: School, t: Tracking) {
  const v = await tinyVersions(db, ["employer_tracking"] as const, s.people.quality.id);
  const c = await openedCampaign(db, s, {
    kind: "employer_tracking",
    name: "用人单位跟踪调查",
    opensAt: OPENS,
    closesAt: CLOSES,
    employers: [t.e1.id, t.e2.id],
    instruments: [{ raterGroup: "employer", instrumentVersionId: v.employer_tracking }],
  });
  return { ...c, versionId: v.employer_tracking };
}

/** The invitations of a campaign with who they are for. */
export async function invitationsOf(db: Db, campaignId: number) {
  return db
    .select()
    .from(invitations)
    .innerJoin(campaignTargets, eq(campaignTargets.id, invitations.targetId))
    .where(eq(campaignTargets.campaignId, campaignId))
    .orderBy(invitations.id)
    .then((rows) => rows.map((r) => r.invitations));
}

/** Every row of a table as text (to look for a value anywhere in it). */
export async function tableText(db: Db, table: string): Promise<string> {
  return JSON.stringify(await queryRows(db, { row: col.text }, sql.raw(`select t::text as row from "${table}" t`)));
}

/** A mailer that keeps what it was given, optionally failing. */
export function fakeMailer(opts: { fail?: boolean } = {}) {
  const sent: { to: string; subject: string; text: string }[] = [];
  const mailer: Mailer = async (msg) => {
    if (opts.fail) throw new Error("SMTP 421 service not available");
    await new Promise((r) => setTimeout(r, 1));
    sent.push(msg);
  };
  return { mailer, sent };
}

/** The invitation tokens in a text (links of the form …/i/<token>). */
export function linkTokens(text: string, baseUrl = BASE_URL): string[] {
  const re = new RegExp(`${baseUrl.replace(/[.]/g, "\\.")}/i/([A-Za-z0-9_-]+)`, "g");
  return [...text.matchAll(re)].map((m) => at(m, 1));
}
