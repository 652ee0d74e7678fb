import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import type { Secret } from "../anonymity/keys";
import { hideLinks, renderLinks } from "../invitations/invitations";

/**
 * The outbox: every outgoing message (invitations, reminders) is a row first. The
 * scheduler (server/scheduler.ts) delivers due rows: by SMTP when SMTP_URL is configured
 * and the channel is email; otherwise (no SMTP, or SMS / WeChat, for which the school
 * uses its own gateway or the CSV export) the row is marked "recorded" and the quality
 * office sees it. Links are rendered from placeholders only at delivery, never stored.
 * Reminders name people who have not yet taken part: they are counted, never listed in
 * the app, and their recipient is cleared once delivered or recorded.
 */

export type Mailer = (msg: { to: string; subject: string; text: string }) => Promise<void>;

export const MAX_ATTEMPTS = 5;

/** How long a run holds the messages it claimed before another run may take them again. */
const LEASE_MS = 10 * 60_000;

export type DeliveryResult = { sent: number; recorded: number; failed: number; retried: number };

export async function deliverOutbox(
  db: DbOrTx,
  opts: { mailer: Mailer | null; baseUrl: string; secret: Secret; now: Date; limit?: number },
): Promise<DeliveryResult> {
  // Claim the due rows first (a lease: not_before moves past this run), so an overlapping
  // run, here or in another instance, skips them; a run that dies leaves them to be retried.
  const due = await queryRows(
    db,
    { id: col.text, channel: col.text, kind: col.text, recipient: col.text, subject: col.text.nullable, body: col.text, attempts: col.int },
    sql`
      update outbox o set not_before = ${new Date(opts.now.getTime() + LEASE_MS).toISOString()}::timestamptz
      from (
        select id from outbox where status = 'pending' and not_before <= ${opts.now.toISOString()}::timestamptz
        order by not_before, id limit ${opts.limit ?? 200} for update skip locked
      ) d
      where o.id = d.id
      returning o.id, o.channel, o.kind, o.recipient, o.subject, o.body, o.attempts`,
  );
  const res: DeliveryResult = { sent: 0, recorded: 0, failed: 0, retried: 0 };
  for (const m of due) {
    const clear = m.kind === "reminder" ? sql`, recipient = ''` : sql``;
    if (m.channel !== "email" || !opts.mailer) {
      await db.execute(sql`update outbox set status = 'recorded' ${clear} where id = ${m.id}`);
      res.recorded++;
      continue;
    }
    try {
      await opts.mailer({ to: m.recipient, subject: m.subject ?? "", text: renderLinks(m.body, opts.baseUrl, opts.secret) });
      await db.execute(
        sql`update outbox set status = 'sent', sent_at = ${opts.now.toISOString()}::timestamptz, attempts = attempts + 1 ${clear} where id = ${m.id}`,
      );
      res.sent++;
    } catch (e) {
      const attempts = m.attempts + 1;
      const final = attempts >= MAX_ATTEMPTS;
      // Back off 1, 2, 4, 8 minutes; the error names the failure, not the message.
      await db.execute(sql`update outbox set attempts = ${attempts}, last_error = ${String((e as Error)?.message ?? e).slice(0, 300)},
        status = ${final ? "failed" : "pending"},
        not_before = ${new Date(opts.now.getTime() + 60_000 * 2 ** (attempts - 1)).toISOString()}::timestamptz ${final ? clear : sql``}
        where id = ${m.id}`);
      if (final) res.failed++;
      else res.retried++;
    }
  }
  return res;
}

export type OutboxView = {
  counts: { kind: string; status: string; n: number }[];
  /** Invitation messages only (reminders are never listed), newest first, links hidden. */
  messages: {
    id: string;
    channel: string;
    recipient: string;
    subject: string | null;
    body: string;
    status: string;
    createdAt: Date;
    lastError: string | null;
  }[];
};

/** What the quality office sees of a campaign's outbox. */
export async function campaignOutbox(db: DbOrTx, campaignId: number, limit = 200): Promise<OutboxView> {
  const counts = await queryRows(
    db,
    { kind: col.text, status: col.text, n: col.int },
    sql`
    select kind, status, count(*)::int as n from outbox where campaign_id = ${campaignId} group by 1, 2 order by 1, 2`,
  );
  const rows = await queryRows(
    db,
    {
      id: col.text,
      channel: col.text,
      recipient: col.text,
      subject: col.text.nullable,
      body: col.text,
      status: col.text,
      created_at: col.date,
      last_error: col.text.nullable,
    },
    sql`
      select id, channel, recipient, subject, body, status, created_at, last_error from outbox
      where campaign_id = ${campaignId} and kind = 'invitation' order by created_at desc, recipient limit ${limit}`,
  );
  return {
    counts,
    messages: rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      recipient: r.recipient,
      subject: r.subject,
      body: hideLinks(r.body),
      status: r.status,
      createdAt: r.created_at,
      lastError: r.last_error,
    })),
  };
}

/** A mailer over SMTP (nodemailer), or null when SMTP_URL is not configured. */
export async function smtpMailer(smtpUrl: string | undefined, from: string): Promise<Mailer | null> {
  if (!smtpUrl) return null;
  const nodemailer = await import("nodemailer");
  const transport = nodemailer.createTransport(smtpUrl);
  return async (msg) => {
    await transport.sendMail({ from, to: msg.to, subject: msg.subject, text: msg.text });
  };
}
