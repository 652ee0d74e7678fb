import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf } from "./access/scope";
import { flushClosedPools } from "./anonymity/pool";
import { closeCampaign } from "./campaigns/campaigns";
import { runDueReminders } from "./campaigns/reminders";
import { getDb } from "./db";
import { anonSecret, env } from "./kernel/env";
import { deliverOutbox, smtpMailer, type Mailer } from "./outbox/outbox";
import { refreshScores } from "./scoring/refresh";

/**
 * Background work of the app process, once a minute: close campaigns whose window is over
 * (their sealed pools become responses), store what is left in the pools of closed campaigns,
 * queue due reminders, deliver the outbox, recompute the scores of school years whose
 * responses changed (server/scoring/refresh.ts). Started when the process first opens its database
 * (server/db.ts; never during `next build`); SCHEDULER=off disables it. Each step is idempotent and safe to run from several instances.
 */
export const TICK_MS = 60_000;

let mailer: Promise<Mailer | null> | undefined;

export async function tick(now = new Date()) {
  const db = await getDb();
  const e = env();
  const over = rowsOf<{ id: number }>(await db.execute(sql`
    select id from campaigns where state = 'open' and closes_at <= ${now.toISOString()}::timestamptz`));
  for (const c of over) {
    try {
      await closeCampaign(db, Number(c.id), now, null, anonSecret());
    } catch {
      // closed meanwhile by someone else
    }
  }
  // Submissions that raced a close (or a close without the secret) become responses now.
  await flushClosedPools(db, anonSecret(), now);
  await runDueReminders(db, now);
  mailer ??= smtpMailer(e.SMTP_URL, e.MAIL_FROM);
  await deliverOutbox(db, { mailer: await mailer, baseUrl: e.APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`, secret: anonSecret(), now });
  await refreshScores(db, () => now);
}

const g = globalThis as unknown as { __tqeScheduler?: NodeJS.Timeout };

export function startScheduler() {
  if (g.__tqeScheduler) return;
  const run = () => tick().catch((err) => console.error("scheduler:", (err as Error)?.message ?? err));
  g.__tqeScheduler = setInterval(run, TICK_MS);
  g.__tqeScheduler.unref();
  setTimeout(run, 5_000).unref();
}
