import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { outbox } from "@/db/schema";
import { translate } from "../i18n/translate";
import { addDays, beijingDate } from "../kernel/time";

/** How many days before an inspection's deadline a unit that has not submitted is reminded. */
export const INSPECTION_REMIND_DAYS = 3;

/**
 * One round of inspection reminders, run by the scheduler with its clock: every unit that has
 * not submitted its checklist when its inspection's deadline is INSPECTION_REMIND_DAYS days
 * away or less (and not yet past) is reminded once: its admins (unit_admin of the unit) get an
 * e-mail through the outbox. The unit is claimed first (reminded_at set only where still
 * null), so a unit is reminded once even when rounds overlap; people without an e-mail
 * address are not told (the page shows the deadline and the status anyway).
 */
export async function runInspectionReminders(db: DbOrTx, now: Date): Promise<{ units: number; messages: number }> {
  const today = beijingDate(now);
  return db.transaction(async (tx) => {
    const claimed = await queryRows(
      tx,
      { unit_id: col.int, unit_name: col.text, inspection: col.text, deadline: col.text },
      sql`
      update inspection_units u set reminded_at = ${now.toISOString()}::timestamptz
      from inspections i, units un
      where i.id = u.inspection_id and un.id = u.unit_id and u.submitted_at is null and u.reminded_at is null
        and i.deadline >= ${today}::date and i.deadline <= ${addDays(today, INSPECTION_REMIND_DAYS)}::date
      returning u.unit_id, un.name as unit_name, i.name as inspection, i.deadline::text as deadline`,
    );
    let messages = 0;
    for (const c of claimed) {
      const to = await queryRows(
        tx,
        { email: col.text },
        sql`
        select distinct p.email from persons p join role_grants g on g.person_id = p.id
        where g.role = 'unit_admin' and g.unit_id = ${c.unit_id} and p.active and p.email is not null and p.email <> ''
        order by p.email`,
      );
      if (to.length === 0) continue;
      const params = { unit: c.unit_name, inspection: c.inspection, deadline: c.deadline };
      await tx.insert(outbox).values(
        to.map((r) => ({
          channel: "email" as const,
          kind: "notice" as const,
          recipient: r.email,
          subject: translate("zh", "inspections.reminder.subject", params),
          body: translate("zh", "inspections.reminder.body", params),
          notBefore: now,
          createdAt: now,
        })),
      );
      messages += to.length;
    }
    return { units: claimed.length, messages };
  });
}
