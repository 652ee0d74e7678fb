import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { improvementEvents, outbox } from "@/db/schema";
import { translate } from "../i18n/translate";
import type { MessageKey } from "../i18n/messages";
import { beijingDate } from "../kernel/time";
import { unitAncestorsSql } from "../org/tree";
import { AWAITING_ANSWER } from "./states";

/**
 * Deadlines and escalation, run by the scheduler every round (server/scheduler.ts) with its
 * clock. An order waiting for the responsible side (issued, reopened, continuing):
 *
 * | level | when                                           | who is told (outbox, e-mail)                         | event            |
 * |-------|------------------------------------------------|------------------------------------------------------|------------------|
 * | 1     | REMIND_DAYS_BEFORE days before the deadline    | the responsible person, else the unit's admins       | remind           |
 * | 2     | the day after the deadline                     | the leaders of the unit (or of a unit above it)      | escalate_leader  |
 * | 3     | QUALITY_AFTER_DAYS days past the deadline      | the quality office                                   | escalate_quality |
 *
 * Each level is claimed first (an update of the order's escalation level that only matches
 * orders below it), so a level is sent once even when rounds overlap; a new deadline
 * (continuing, reopened with a deadline) starts the levels again. A late scheduler sends the
 * highest due level only. People without an e-mail address are not told (the event is still
 * recorded, and the order shows its overdue days everywhere).
 */
export const REMIND_DAYS_BEFORE = 3;
export const QUALITY_AFTER_DAYS = 7;

type Claimed = { id: number; unit_id: number; owner_id: number | null; deadline: string; content: string; unit_name: string; days: number };

const AWAITING = sql.join(
  AWAITING_ANSWER.map((s) => sql`${s}`),
  sql`, `,
);

async function claim(tx: DbOrTx, level: number, due: SQL, today: string): Promise<Claimed[]> {
  return queryRows(
    tx,
    {
      id: col.int,
      unit_id: col.int,
      owner_id: col.int.nullable,
      deadline: col.text,
      content: col.text,
      unit_name: col.text,
      days: col.int,
    },
    sql`
    update improvement_items o set escalation = ${level}
    from units u
    where u.id = o.unit_id and o.status in (${AWAITING}) and o.escalation < ${level} and ${due}
    returning o.id, o.unit_id, o.owner_id, o.deadline::text as deadline, left(o.content, 200) as content, u.name as unit_name,
      (${today}::date - o.deadline) as days`,
  );
}

async function emailsOf(tx: DbOrTx, who: SQL): Promise<string[]> {
  const rows = await queryRows(
    tx,
    { email: col.text },
    sql`
    select distinct p.email from persons p where p.active and p.email is not null and p.email <> '' and p.id in (${who}) order by p.email`,
  );
  return rows.map((r) => r.email);
}

async function notify(tx: DbOrTx, o: Claimed, now: Date, kind: string, to: string[], subject: MessageKey, body: MessageKey) {
  const params = { id: o.id, unit: o.unit_name, deadline: o.deadline, days: Math.max(0, o.days), content: o.content };
  await tx.insert(improvementEvents).values({
    itemId: o.id,
    at: now,
    actorId: null,
    kind,
    note: null,
    data: { recipients: to.length, overdueDays: Math.max(0, o.days) },
  });
  if (to.length) {
    await tx.insert(outbox).values(
      to.map((recipient) => ({
        channel: "email" as const,
        kind: "notice" as const,
        recipient,
        subject: translate("zh", subject, params),
        body: translate("zh", body, params),
        notBefore: now,
        createdAt: now,
      })),
    );
  }
}

export type DeadlineRound = { reminded: number; toLeaders: number; toQuality: number };

/** One round of reminders and escalations at `now` (idempotent within a level). */
export async function runOrderDeadlines(db: DbOrTx, now: Date): Promise<DeadlineRound> {
  const today = beijingDate(now);
  return db.transaction(async (tx) => {
    // Highest level first, so a late round sends only the level now due.
    const toQuality = await claim(tx, 3, sql`o.deadline <= ${today}::date - ${QUALITY_AFTER_DAYS}::int`, today);
    const quality = await emailsOf(tx, sql`select person_id from role_grants where role = 'quality_admin'`);
    for (const o of toQuality)
      await notify(tx, o, now, "escalate_quality", quality, "improvement.mail.qualitySubject", "improvement.mail.qualityBody");

    const toLeaders = await claim(tx, 2, sql`o.deadline < ${today}::date`, today);
    for (const o of toLeaders) {
      const leaders = await emailsOf(
        tx,
        sql`select person_id from role_grants where role = 'leader' and unit_id in (${unitAncestorsSql(o.unit_id)})`,
      );
      await notify(tx, o, now, "escalate_leader", leaders, "improvement.mail.leaderSubject", "improvement.mail.leaderBody");
    }

    const reminded = await claim(tx, 1, sql`o.deadline <= ${today}::date + ${REMIND_DAYS_BEFORE}::int`, today);
    for (const o of reminded) {
      const to =
        o.owner_id !== null
          ? await emailsOf(tx, sql`select ${o.owner_id}::int`)
          : await emailsOf(tx, sql`select person_id from role_grants where role = 'unit_admin' and unit_id = ${o.unit_id}`);
      await notify(tx, o, now, "remind", to, "improvement.mail.remindSubject", "improvement.mail.remindBody");
    }
    return { reminded: reminded.length, toLeaders: toLeaders.length, toQuality: toQuality.length };
  });
}
