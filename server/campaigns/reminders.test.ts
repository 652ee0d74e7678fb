import { and, eq, inArray } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { alumni, campaignReminders, campaigns, eligibility, enrolments, outbox, persons } from "@/db/schema";
import { createInvitations, resolveInvitation, sendInvitations } from "../invitations/invitations";
import { deliverOutbox } from "../outbox/outbox";
import {
  BASE_URL,
  CLOSES,
  endOfTermCampaign,
  fakeMailer,
  graduateCampaign,
  invitationTokenFor,
  invitationsOf,
  linkTokens,
  SECRET,
  studentTokens,
  trackingData,
  type Tracking,
} from "../test/collection";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { closeCampaign } from "./campaigns";
import { runDueReminders } from "./reminders";
import { at } from "@/server/shared/indexed";
import { one } from "@/db/query";

let db: Db;
let s: School;
let t: Tracking;
let eot: Awaited<ReturnType<typeof endOfTermCampaign>>;
let grad: Awaited<ReturnType<typeof graduateCampaign>>;
let extra: Record<"s3" | "s4" | "s5" | "s6", { id: number; email: string | null }>;

const DAY = 86_400_000;
const daysBefore = (d: number, ms = 0) => new Date(CLOSES.getTime() - d * DAY + ms);

/**
 * End of term: studentA (e-mail, secA) has not obtained tokens; studentB (e-mail, secA and
 * secB) has; s3 (e-mail, secA and secB) has not; s4 has no e-mail; s5 left (inactive) after
 * the campaign opened; s6's only target is excluded. Graduate wave: invitations sent to a1
 * (e-mail, then used), a2 (SMS), a4 and b1 (e-mail); a3 has no address; a5 was added after
 * the sending (an invitation never sent).
 */
beforeEach(async () => {
  ({ db, s } = await freshSchool());
  t = await trackingData(db, s);
  await db.update(persons).set({ email: "a@stu.example.edu.cn" }).where(eq(persons.id, s.people.studentA.id));
  await db.update(persons).set({ email: "b@stu.example.edu.cn" }).where(eq(persons.id, s.people.studentB.id));
  const more = await db
    .insert(persons)
    .values(
      (["s3", "s4", "s5", "s6"] as const).map((n, i) => ({
        number: `20239${i}`,
        name: `学生${n}`,
        kind: "student" as const,
        unitId: s.unitA.id,
        programmeId: s.progA.id,
        email: n === "s4" ? null : `${n}@stu.example.edu.cn`,
      })),
    )
    .returning();
  extra = { s3: at(more, 0), s4: at(more, 1), s5: at(more, 2), s6: at(more, 3) };
  await db.insert(enrolments).values([
    { sectionId: s.secA.id, personId: extra.s3.id },
    { sectionId: s.secB.id, personId: extra.s3.id },
    { sectionId: s.secA.id, personId: extra.s4.id },
    { sectionId: s.secB.id, personId: extra.s5.id },
    { sectionId: s.secB.id, personId: extra.s6.id },
  ]);
  eot = await endOfTermCampaign(db, s);
  await db.update(persons).set({ active: false }).where(eq(persons.id, extra.s5.id));
  await db.update(eligibility).set({ excluded: true }).where(eq(eligibility.personId, extra.s6.id));
  await studentTokens(db, eot.id, s.people.studentB.id);

  grad = await graduateCampaign(db, s);
  await sendInvitations(db, await sessionOf(db, s.people.quality), grad.id, SECRET, daysBefore(10));
  await invitationTokenFor(db, one((await invitationsOf(db, grad.id)).filter((i) => i.alumnusId === t.a1.id)).id);
  await db.insert(alumni).values({ cohortId: t.cohortB.id, studentNumber: "2022105", name: "校友庚", email: "a5@alumni.example.com" });
  await createInvitations(db, grad.id, SECRET);
});

const reminders = async (campaignId?: number) =>
  (await db.select().from(outbox).where(eq(outbox.kind, "reminder"))).filter(
    (r) => campaignId === undefined || r.campaignId === campaignId,
  );
const recipients = async (campaignId: number) => (await reminders(campaignId)).map((r) => `${r.channel}:${r.recipient}`).sort();

const STUDENTS_REMINDED = ["email:a@stu.example.edu.cn", "email:s3@stu.example.edu.cn"];
const ALUMNI_REMINDED = ["email:a4@alumni.example.com", "email:b1@alumni.example.com", "sms:13800000002"];

describe("runDueReminders", () => {
  it("nothing before the round is due; at d days before closing one round to those who have not taken part; once", async () => {
    expect(await runDueReminders(db, daysBefore(3, -1000))).toEqual([]);
    expect(await reminders()).toEqual([]);

    const round = await runDueReminders(db, daysBefore(3));
    expect(round.sort((a, b) => a.campaignId - b.campaignId)).toEqual(
      [
        { campaignId: eot.id, daysBefore: 3, recipients: STUDENTS_REMINDED.length },
        { campaignId: grad.id, daysBefore: 3, recipients: ALUMNI_REMINDED.length },
      ].sort((a, b) => a.campaignId - b.campaignId),
    );
    expect(await recipients(eot.id)).toEqual(STUDENTS_REMINDED);
    expect(await recipients(grad.id)).toEqual(ALUMNI_REMINDED);
    const rows = await reminders();
    expect(rows.every((r) => r.status === "pending" && r.subject?.startsWith("提醒"))).toBe(true);
    // The students' message names the last day (Asia/Shanghai), holds no link.
    for (const r of await reminders(eot.id)) {
      expect(r.body).toContain("2027-01-15");
      expect(r.body).not.toContain("{{link:");
    }
    // Each invitee's reminder holds their own link's placeholder.
    const inv = await invitationsOf(db, grad.id);
    const emailOf = new Map((await db.select().from(alumni)).map((a) => [a.id, a.email ?? a.phone]));
    for (const r of await reminders(grad.id)) {
      const mine = one(inv.filter((i) => i.alumnusId !== null && emailOf.get(i.alumnusId) === r.recipient));
      expect(r.body).toContain(`{{link:${mine.nonce}}}`);
    }
    expect(await db.select().from(campaignReminders).orderBy(campaignReminders.campaignId)).toEqual(
      [
        { campaignId: eot.id, daysBefore: 3, sentOn: "2027-01-12", recipients: 2 },
        { campaignId: grad.id, daysBefore: 3, sentOn: "2027-01-12", recipients: 3 },
      ].sort((a, b) => a.campaignId - b.campaignId),
    );

    expect(await runDueReminders(db, daysBefore(3, 6 * 3600_000))).toEqual([]);
    expect(await runDueReminders(db, daysBefore(1))).toEqual([]);
    expect(await reminders()).toHaveLength(rows.length);
  });

  it("two rounds: the later one reminds only those who still have not taken part", async () => {
    await db
      .update(campaigns)
      .set({ reminderDays: [7, 3] })
      .where(eq(campaigns.id, eot.id));
    expect(await runDueReminders(db, daysBefore(7))).toEqual([{ campaignId: eot.id, daysBefore: 7, recipients: 2 }]);
    await studentTokens(db, eot.id, s.people.studentA.id, daysBefore(5));
    expect(await runDueReminders(db, daysBefore(3))).toEqual(
      expect.arrayContaining([{ campaignId: eot.id, daysBefore: 3, recipients: 1 }]),
    );
    expect(await recipients(eot.id)).toEqual([...STUDENTS_REMINDED, "email:s3@stu.example.edu.cn"].sort());
  });

  it("several rounds due at once (the scheduler was down) send one, the latest; later runs send nothing", async () => {
    await db
      .update(campaigns)
      .set({ reminderDays: [7, 5, 3] })
      .where(eq(campaigns.id, eot.id));
    const res = (await runDueReminders(db, daysBefore(2))).filter((r) => r.campaignId === eot.id);
    expect(res.filter((r) => r.recipients > 0)).toEqual([{ campaignId: eot.id, daysBefore: 3, recipients: 2 }]);
    expect(await recipients(eot.id)).toEqual(STUDENTS_REMINDED);
    expect(await runDueReminders(db, daysBefore(1))).toEqual([]);
    expect(await recipients(eot.id)).toEqual(STUDENTS_REMINDED);
  });

  it("two runs at once send one round", async () => {
    const results = await Promise.all([runDueReminders(db, daysBefore(3)), runDueReminders(db, daysBefore(3))]);
    expect(
      results
        .flat()
        .filter((r) => r.campaignId === eot.id)
        .reduce((n, r) => n + r.recipients, 0),
    ).toBe(2);
    expect(await recipients(eot.id)).toEqual(STUDENTS_REMINDED);
    expect(await recipients(grad.id)).toEqual(ALUMNI_REMINDED);
  });

  it("closed campaigns and campaigns past their window get none", async () => {
    await closeCampaign(db, eot.id, daysBefore(4));
    expect((await runDueReminders(db, daysBefore(3))).map((r) => r.campaignId)).toEqual([grad.id]);
    await db.delete(outbox);
    await db.delete(campaignReminders);
    expect(await runDueReminders(db, CLOSES)).toEqual([]);
    expect(await reminders()).toEqual([]);
  });

  it("delivered reminders carry the invitee's working link and lose their recipient", async () => {
    await runDueReminders(db, daysBefore(3));
    const m = fakeMailer();
    await deliverOutbox(db, { mailer: m.mailer, baseUrl: BASE_URL, secret: SECRET, now: daysBefore(3, 60_000) });
    const toA4 = m.sent.filter((x) => x.to === "a4@alumni.example.com");
    expect(toA4).toHaveLength(2); // the invitation and the reminder
    const a4 = one((await invitationsOf(db, grad.id)).filter((i) => i.alumnusId === t.a4.id));
    for (const msg of toA4) {
      const token = at(linkTokens(msg.text), 0);
      expect(await resolveInvitation(db, token, daysBefore(3))).toMatchObject({ invitationId: a4.id, state: "ready" });
    }
    const delivered = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, "reminder"), inArray(outbox.status, ["sent", "recorded"])));
    expect(delivered).toHaveLength(STUDENTS_REMINDED.length + ALUMNI_REMINDED.length);
    expect(delivered.every((r) => r.recipient === "")).toBe(true);
  });
});
