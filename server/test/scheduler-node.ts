/**
 * One app node's background work, for the several-nodes test (server/scheduler.test.ts):
 * `node --import tsx server/test/scheduler-node.ts <mail log>` opens DATABASE_URL and runs
 * the scheduler every SCHEDULER_TICK_MS until SIGTERM, "sending" each mail by appending its
 * recipient to the log; prints "ready" once it runs and, at the end, how many rounds it led.
 */
import { appendFileSync } from "node:fs";
import { openDb } from "@/db/client";
import { baseEnv } from "../kernel/env";
import { leaderTick, type TickDeps } from "../scheduler";

async function main() {
  const log = process.argv[2];
  if (log === undefined) throw new Error("usage: scheduler-node.ts <mail log>");
  const e = baseEnv();
  if (!e.DATABASE_URL) throw new Error("scheduler-node.ts needs DATABASE_URL");
  const handle = await openDb({ url: e.DATABASE_URL, poolMax: e.DB_POOL_MAX });
  const deps: TickDeps = {
    mailer: async (m) => appendFileSync(log, `${m.to}\n`),
    baseUrl: "https://pj.example.edu.cn",
    secret: "scheduler-node-test-secret-0123456789abcdef",
  };
  let led = 0,
    skipped = 0,
    busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      if (await leaderTick(handle, deps)) led++;
      else skipped++;
    } catch (err) {
      console.error("tick:", (err as Error).message);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), e.SCHEDULER_TICK_MS);
  console.log("ready");
  const stop = async () => {
    clearInterval(timer);
    while (busy) await new Promise((r) => setTimeout(r, 20));
    console.log(`led ${led} skipped ${skipped}`);
    await handle.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
}

void main();
