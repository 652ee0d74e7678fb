import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, queryOne } from "@/db/query";
import { outbox } from "@/db/schema";
import { at } from "@/server/shared/indexed";
import { leaderTick } from "./scheduler";
import { approvePolicy, createPolicy, defaultPolicy } from "./scoring/policies";
import { answersFor, fileOfGroup, respond, rng, scoringCampaign, type ScoringCampaign } from "./scoring/testing";
import { BASE_URL, SECRET } from "./test/collection";
import { testDbUrl } from "./test/db";
import { freshSchool, type School } from "./test/fixtures";

// The background work on several app nodes sharing one database: each round one node does
// it (the advisory-lock leader), so every outbox message is sent once and every recompute
// runs once. On PostgreSQL (TEST_DATABASE_URL) two node processes run the tick loop against
// the test's database; on the embedded PGlite (one process) the rounds simply run.

let db: Db;
let s: School;
let c: ScoringCampaign;
const MESSAGES = 40;
const recipients = Array.from({ length: MESSAGES }, (_, i) => `node-test-${i}@example.edu.cn`);

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  c = await scoringCampaign(db, s);
});

/** Work for the scheduler: due e-mails, and responses under an approved policy (one recompute due). */
async function queueWork() {
  await db.insert(outbox).values(
    recipients.map((r) => ({
      channel: "email" as const,
      kind: "notice" as const,
      recipient: r,
      subject: "通知",
      body: "测试",
      notBefore: new Date(Date.now() - 60_000),
    })),
  );
  await respond(
    db,
    c,
    "CS101-01",
    "student",
    Array.from({ length: 6 }, () => answersFor(fileOfGroup("student"), 0.7, rng(3))),
  );
  const p = await createPolicy(db, defaultPolicy("2026-2027"), s.people.quality.id);
  await approvePolicy(db, p.id, s.people.quality.id, "测试", new Date());
}

const pending = async () => (await queryOne(db, { n: col.int }, sql`select count(*) as n from outbox where status <> 'sent'`)).n;
const schedulerRuns = async () =>
  (await queryOne(db, { n: col.int }, sql`select count(*) as n from scoring_runs where trigger = 'scheduler'`)).n;

describe("the scheduler on several nodes", () => {
  let dir: string | undefined;
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("each round one node does the work: every message sent once, every recompute run once", async () => {
    const url = await testDbUrl();
    dir = mkdtempSync(path.join(tmpdir(), "tqe-nodes-"));
    const mailLog = path.join(dir, "mail.log");
    writeFileSync(mailLog, "");
    if (url === null) {
      // one process (PGlite): each round runs; repeated rounds do nothing twice
      await queueWork();
      const sent: string[] = [];
      const deps = { mailer: async (m: { to: string }) => void sent.push(m.to), baseUrl: BASE_URL, secret: SECRET };
      for (let i = 0; i < 3; i++) expect(await leaderTick({ db, driver: "pglite" }, deps)).toBe(true);
      expect(sent.sort()).toEqual([...recipients].sort());
    } else {
      const outputs: string[] = ["", ""];
      const node = (i: number) => {
        const child = spawn(process.execPath, ["--import", "tsx", "server/test/scheduler-node.ts", mailLog], {
          env: { ...process.env, DATABASE_URL: url, SCHEDULER_TICK_MS: "50", DB_POOL_MAX: "4" },
          stdio: ["ignore", "pipe", "inherit"],
        });
        child.stdout.on("data", (b: Buffer) => {
          outputs[i] += b.toString();
        });
        child.once("exit", (code) => {
          outputs[i] += `\n(exited ${code})`;
        });
        children.push(child);
        return child;
      };
      const nodes = [node(0), node(1)];
      const until = async (what: () => boolean | Promise<boolean>, ms: number) => {
        for (const end = Date.now() + ms; !(await what()); await new Promise((r) => setTimeout(r, 50))) {
          if (Date.now() > end || outputs.some((o) => o.includes("(exited")))
            throw new Error(`timed out; nodes said: ${JSON.stringify(outputs)}`);
        }
      };
      await until(() => outputs.every((o) => o.includes("ready")), 120_000);
      await queueWork(); // both nodes are running their rounds: they compete for it
      await until(async () => (await pending()) === 0 && (await schedulerRuns()) >= 1, 60_000);
      await new Promise((r) => setTimeout(r, 500)); // ten more rounds each, to catch a second sending
      const exited = nodes.map((n) => new Promise((r) => n.once("exit", r)));
      for (const n of nodes) n.kill("SIGTERM");
      await Promise.all(exited);
      const rounds = outputs.map((o) => {
        const m = /led (\d+) skipped (\d+)/.exec(o);
        if (m === null) throw new Error(`a node's output without its rounds: ${o}`);
        return [Number(at(m, 1)), Number(at(m, 2))] as const;
      });
      console.log(`rounds per node (led, skipped): ${JSON.stringify(rounds)}`);
      // both nodes ran rounds; every round had one leader at a time (led + skipped = all attempts)
      expect(rounds.every(([led, skipped]) => led + skipped > 0)).toBe(true);
    }
    const mails = readFileSync(mailLog, "utf8").split("\n").filter(Boolean);
    if (url !== null) expect(mails.sort()).toEqual([...recipients].sort()); // each message once, across both nodes
    expect(await pending()).toBe(0);
    expect(await schedulerRuns()).toBe(1);
  });
});
