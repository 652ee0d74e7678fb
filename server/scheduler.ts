import { sql } from "drizzle-orm";
import type { Db, DbHandle } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { flushClosedPools } from "./anonymity/pool";
import type { Secret } from "./anonymity/keys";
import { closeCampaign } from "./campaigns/campaigns";
import { runDueReminders } from "./campaigns/reminders";
import { runOrderDeadlines } from "./improvement/deadlines";
import { runInspectionReminders } from "./inspections/reminders";
import { anonSecret, env } from "./kernel/env";
import { deliverOutbox, smtpMailer, type Mailer } from "./outbox/outbox";
import { refreshScores } from "./scoring/refresh";

/**
 * Background work, every SCHEDULER_TICK_MS (a minute by default): close campaigns whose
 * window is over (their sealed pools become responses), store what is left in the pools of
 * closed campaigns, queue due reminders (of campaigns, of rectification orders with their
 * escalation: server/improvement/deadlines.ts, of inspection checklists not yet submitted), deliver the outbox, recompute the scores of school
 * years whose responses changed (server/scoring/refresh.ts).
 *
 * Started by the runtime, not by opening the database: the app's Next.js instrumentation
 * (instrumentation.ts, never during `next build`) and `server/cli.ts scheduler` (a worker
 * process of its own); SCHEDULER=off disables it in the app. Several app nodes on one
 * PostgreSQL may all run it: each round, the node that takes the transaction-level
 * advisory lock LEADER_LOCK does the work and the others skip the round, so nothing is
 * sent or recomputed twice and no node needs configuring. The embedded PGlite is one
 * process: it simply runs.
 */

/** The advisory lock key of the scheduler's round (hashtext('tqe:scheduler')). */
const LEADER_LOCK = sql`hashtext('tqe:scheduler')`;

export type TickDeps = { mailer: Mailer | null; baseUrl: string; secret: Secret };

/** One round of the work, on this node, now. */
export async function tick(db: Db, deps: TickDeps, now = new Date()): Promise<void> {
  const over = await queryRows(
    db,
    { id: col.int },
    sql`
    select id from campaigns where state = 'open' and closes_at <= ${now.toISOString()}::timestamptz`,
  );
  for (const c of over) {
    try {
      await closeCampaign(db, c.id, now, null, deps.secret);
    } catch {
      // closed meanwhile by someone else
    }
  }
  // Submissions that raced a close (or a close without the secret) become responses now.
  await flushClosedPools(db, deps.secret, now);
  await runDueReminders(db, now);
  // Rectification orders: reminders before the deadline, escalation once overdue.
  await runOrderDeadlines(db, now);
  // Teaching inspections: the units that have not submitted, a few days before the deadline.
  await runInspectionReminders(db, now);
  await deliverOutbox(db, { mailer: deps.mailer, baseUrl: deps.baseUrl, secret: deps.secret, now });
  await refreshScores(db, () => now);
}

/**
 * One round if this node is the leader of it: on PostgreSQL the round runs inside a
 * transaction holding pg_try_advisory_xact_lock (on a connection of its own; the work uses
 * the pool's others), and a node that does not get the lock skips it. Returns whether it ran.
 */
export async function leaderTick(handle: Pick<DbHandle, "db" | "driver">, deps: TickDeps, now = new Date()): Promise<boolean> {
  if (handle.driver === "pglite") {
    await tick(handle.db, deps, now);
    return true;
  }
  return handle.db.transaction(async (tx) => {
    const [lock] = await queryRows(tx, { leader: col.bool }, sql`select pg_try_advisory_xact_lock(${LEADER_LOCK}) as leader`);
    if (!lock?.leader) return false;
    await tick(handle.db, deps, now);
    return true;
  });
}

let mailer: Promise<Mailer | null> | undefined;

/** What a round needs, from the typed environment: the SMTP mailer, the links' origin, the secret. */
export async function appTickDeps(): Promise<TickDeps> {
  const e = env();
  mailer ??= smtpMailer(e.SMTP_URL, e.MAIL_FROM);
  return { mailer: await mailer, baseUrl: e.APP_URL ?? `http://localhost:${e.PORT}`, secret: anonSecret() };
}

const g = globalThis as unknown as { __tqeScheduler?: NodeJS.Timeout };

export type SchedulerOptions = {
  /** The process's database (opened on the first round). */
  handle: () => Promise<Pick<DbHandle, "db" | "driver">>;
  tickMs: number;
  deps?: () => Promise<TickDeps>;
  /** Delay of the first round. */
  firstMs?: number;
  /** Keep the process alive for the timer (a worker process); the app's server lives anyway. */
  keepAlive?: boolean;
};

/** Starts the rounds, once per process; returns a function that stops them. */
export function startScheduler(opts: SchedulerOptions): () => void {
  if (g.__tqeScheduler) return stopScheduler;
  let running = false;
  const run = async () => {
    if (running) return; // a slow round is not overtaken by the next
    running = true;
    try {
      await leaderTick(await opts.handle(), await (opts.deps ?? appTickDeps)());
    } catch (err) {
      console.error("scheduler:", (err as Error)?.message ?? err);
    } finally {
      running = false;
    }
  };
  g.__tqeScheduler = setInterval(() => void run(), opts.tickMs);
  const first = setTimeout(() => void run(), opts.firstMs ?? Math.min(5_000, opts.tickMs));
  if (!opts.keepAlive) {
    g.__tqeScheduler.unref();
    first.unref();
  }
  return stopScheduler;
}

export function stopScheduler(): void {
  if (g.__tqeScheduler) clearInterval(g.__tqeScheduler);
  g.__tqeScheduler = undefined;
}
