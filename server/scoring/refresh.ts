import type { Db } from "@/db/client";
import { recompute, type RunResult } from "./compute";
import { currentPolicies } from "./policies";
import { foldTallies, scoreMissing } from "./store";

let backfilled = false;

/**
 * The scheduler's scoring step (once a minute): the first time in a process, score any
 * response stored without a score (data from before scores were stored with the answers);
 * then fold the queued scores into the tallies (every minute, policy or not: the queue keeps
 * scores in their order of arrival, so it is kept short) and recompute every school year
 * with a policy in force whose responses or targets changed since its last run. Figures thus
 * follow the responses within a minute while a campaign runs.
 */
export async function refreshScores(db: Db, now: () => Date = () => new Date()): Promise<RunResult[]> {
  if (!backfilled) {
    const r = await scoreMissing(db);
    if (r.scored || r.failed)
      console.log(`scores: ${r.scored} response(s) scored that were stored without a score${r.failed ? `, ${r.failed} could not be` : ""}`);
    backfilled = true;
  }
  await foldTallies(db);
  const out: RunResult[] = [];
  for (const p of await currentPolicies(db)) {
    const r = await recompute(db, p, { trigger: "scheduler", now, ifChanged: true });
    if (!r.skipped) out.push(r);
  }
  return out;
}
