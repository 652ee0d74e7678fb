import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows, queryValue } from "@/db/query";
import { beijingDate } from "../kernel/time";

/**
 * Scheduled reminders (催评): for each open campaign and each of its reminder_days d, once
 * `now` is within d days of closing, one round is sent to everyone who has not yet taken
 * part — students who have not obtained their tokens (they never opened their list) and
 * invitees whose link is unused — as outbox messages of kind "reminder". Nobody is shown
 * the list: the campaign page shows how many were reminded, the outbox never lists them,
 * and delivery clears the recipient. A round is recorded in campaign_reminders in the same
 * transaction, so it is sent once even if the scheduler runs twice.
 *
 * What the server cannot know (by design): a student who obtained tokens and then did not
 * submit is not reminded by this; the home page keeps reminding them on their own device.
 */
export async function runDueReminders(db: DbOrTx, now: Date): Promise<{ campaignId: number; daysBefore: number; recipients: number }[]> {
  const due = await queryRows(
    db,
    { id: col.int, name: col.text, closes_at: col.date, d: col.int },
    sql`
    select c.id, c.name, c.closes_at, d
    from campaigns c cross join lateral unnest(c.reminder_days) as d
    where c.state = 'open' and c.opens_at <= ${now.toISOString()}::timestamptz and c.closes_at > ${now.toISOString()}::timestamptz
      and c.closes_at - make_interval(days => d::int) <= ${now.toISOString()}::timestamptz
      and not exists (select 1 from campaign_reminders r where r.campaign_id = c.id and r.days_before = d)
    order by c.id, d`,
  );
  const out: { campaignId: number; daysBefore: number; recipients: number }[] = [];
  const seen = new Set<number>();
  for (const c of due) {
    const day = beijingDate(now);
    const until = beijingDate(new Date(c.closes_at.getTime() - 1000));
    const recipients = await db.transaction(async (tx) => {
      // Claim the round first: a concurrent run gets nothing back and sends nothing.
      const claimed = await queryRows(
        tx,
        { campaign_id: col.int },
        sql`
        insert into campaign_reminders (campaign_id, days_before, sent_on, recipients) values (${c.id}, ${c.d}, ${day}::date, 0)
        on conflict do nothing returning campaign_id`,
      );
      if (claimed.length === 0) return 0;
      // Several rounds due at once (a scheduler that was down): only the latest (smallest d,
      // processed first) goes out; the earlier ones are recorded as sent to nobody.
      if (seen.has(c.id)) return 0;
      const body = `您好！“${c.name}”将于 ${until} 结束，您还没有参加。请登录系统完成评价（匿名）。`;
      const students = await queryValue(
        tx,
        col.int,
        sql`
        with r as (
          select distinct p.email from eligibility e join campaign_targets t on t.id = e.target_id join persons p on p.id = e.person_id
          where t.campaign_id = ${c.id} and e.rater_group = 'student' and not e.excluded and e.token_issued_on is null
            and p.email is not null and p.active
        ), ins as (
          insert into outbox (channel, kind, campaign_id, recipient, subject, body)
          select 'email', 'reminder', ${c.id}, email, ${`提醒：${c.name}`}, ${body} from r returning 1
        ) select count(*)::int as n from ins`,
      );
      const invitees = await queryValue(
        tx,
        col.int,
        sql`
        with r as (
          select coalesce(a.email, ec.email) as email, coalesce(a.phone, ec.phone) as phone, coalesce(a.name, ec.name) as name, i.nonce
          from invitations i join campaign_targets t on t.id = i.target_id
            left join alumni a on a.id = i.alumnus_id left join employer_contacts ec on ec.id = i.contact_id
          where t.campaign_id = ${c.id} and i.token_issued_on is null and i.sent_on is not null
        ), ins as (
          insert into outbox (channel, kind, campaign_id, recipient, subject, body)
          select case when email is not null then 'email' else 'sms' end, 'reminder', ${c.id}, coalesce(email, phone), ${`提醒：${c.name}`},
            name || '，您好！“' || ${c.name} || '”将于 ' || ${until} || ' 结束，您还没有填写。个人链接：{{link:' || nonce || '}}'
          from r where coalesce(email, phone) is not null returning 1
        ) select count(*)::int as n from ins`,
      );
      const n = students + invitees;
      await tx.execute(sql`update campaign_reminders set recipients = ${n} where campaign_id = ${c.id} and days_before = ${c.d}`);
      return n;
    });
    seen.add(c.id);
    out.push({ campaignId: c.id, daysBefore: c.d, recipients });
  }
  return out;
}
