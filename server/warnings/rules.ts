import { createHash } from "node:crypto";
import { desc } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { warningRuleSets, type WarningRule } from "@/db/schema";
import { canonicalJson } from "../instruments/diff";
import { DomainError } from "../kernel/errors";
import { idSchema } from "../kernel/ids";
import { lifecycle, selectWithPeople } from "../kernel/lifecycle";
import { parseInput } from "../kernel/validate";
import { kindOf, WARNING_KINDS } from "./kinds";

/**
 * The school's warning rules: one rule set, versioned and approved with the lifecycle of every
 * versioned thing (series "school"); the rule set in force is the latest approved version, and
 * evaluation after every recompute (evaluate.ts) reads only it. A rule names its kind (the
 * figure it watches: kinds.ts) and the kind's parameters; checkRules refuses an unknown kind,
 * an unknown or missing parameter and an impossible threshold (outside the kind's bounds) with
 * the rule and the bound in the user's language, before anything is written.
 */

export const RULE_SERIES = "school";
export const RULES_MAX = 50;
export const RULE_NOTE_MAX = 2000;

export const ruleSetLifecycle = lifecycle({
  table: warningRuleSets,
  series: "series",
  codes: {
    notFound: "improvement.warnings.errors.ruleSetNotFound",
    noteRequired: "improvement.warnings.errors.noteRequired",
    alreadyApproved: "improvement.warnings.errors.alreadyApproved",
    alreadyRetired: "improvement.warnings.errors.alreadyRetired",
    newerApproved: "improvement.warnings.errors.newerApproved",
  },
  audit: { action: "warnings.rules", subject: (r) => `warning rules v${r.version}` },
  noteMax: RULE_NOTE_MAX,
  lockKey: "warning-rules",
});

const ruleInput = z
  .object({
    key: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/),
    name: z.string().trim().min(1).max(100),
    kind: z.string().trim().min(1).max(60),
    params: z.record(z.string(), z.number().finite()).default({}),
    action: z.enum(["review", "direct"]).default("review"),
    deadlineDays: z.number().int().min(1).max(365).default(30),
  })
  .strict();

export const ruleSetInput = z.object({ rules: z.array(ruleInput).min(1).max(RULES_MAX) }).strict();
export type RuleSetInput = z.input<typeof ruleSetInput>;
export const ruleSetIdInput = z.object({ id: idSchema }).strict();
export const approveRuleSetInput = z.object({ id: idSchema, note: z.string().trim().min(1).max(RULE_NOTE_MAX) }).strict();

const bad = (code: "unknownKind" | "unknownParam" | "badThreshold" | "duplicateKey", params: Record<string, string | number>) =>
  new DomainError("BAD_REQUEST", `improvement.warnings.errors.${code}`, params);

/** The rules, complete (every parameter given or defaulted) and checked against their kinds. */
export function checkRules(raw: unknown): WarningRule[] {
  const input = parseInput(ruleSetInput, raw);
  const seen = new Set<string>();
  return input.rules.map((r) => {
    if (seen.has(r.key)) throw bad("duplicateKey", { rule: r.key });
    seen.add(r.key);
    const kind = kindOf(r.kind);
    if (!kind) throw bad("unknownKind", { rule: r.key, kind: r.kind, kinds: WARNING_KINDS.map((k) => k.id).join(", ") });
    for (const name of Object.keys(r.params)) {
      if (!kind.params.some((p) => p.name === name)) throw bad("unknownParam", { rule: r.key, param: name });
    }
    const params: Record<string, number> = {};
    for (const p of kind.params) {
      const v = r.params[p.name] ?? p.default;
      if (v > p.max || v < p.min || (p.minOpen && v === p.min)) {
        throw bad("badThreshold", { rule: r.key, param: p.name, value: v, min: p.min, max: p.max, open: p.minOpen ? "(" : "[" });
      }
      params[p.name] = v;
    }
    return { key: r.key, name: r.name, kind: kind.id, params, action: r.action, deadlineDays: r.deadlineDays };
  });
}

export function rulesHash(rules: WarningRule[]): string {
  return createHash("sha256").update(canonicalJson(rules)).digest("hex");
}

/** A new version of the rule set, as a draft (or "unchanged": the same rules again). Nothing is written when a rule is refused. */
export async function createRuleSet(db: DbOrTx, now: Date, actor: { id: number }, raw: RuleSetInput) {
  const rules = checkRules(raw);
  return ruleSetLifecycle.create(db, { series: RULE_SERIES, hash: rulesHash(rules), actorId: actor.id, values: { rules, createdAt: now } });
}

export async function approveRuleSet(db: DbOrTx, now: Date, actor: { id: number }, raw: z.input<typeof approveRuleSetInput>) {
  const i = parseInput(approveRuleSetInput, raw);
  return ruleSetLifecycle.approve(db, i.id, actor.id, i.note, now);
}

export async function retireRuleSet(db: DbOrTx, now: Date, actor: { id: number }, raw: z.input<typeof ruleSetIdInput>) {
  const i = parseInput(ruleSetIdInput, raw);
  return ruleSetLifecycle.retire(db, i.id, actor.id, now);
}

/** The rule set in force (latest approved), or null. */
export function rulesInForce(db: DbOrTx) {
  return ruleSetLifecycle.current(db, RULE_SERIES);
}

/** Every version, newest first, with who created, approved and retired it; and the kinds with their parameters for the form. */
export async function ruleSets(db: DbOrTx) {
  const t = warningRuleSets;
  const versions = await selectWithPeople(db, t, {
    id: t.id,
    version: t.version,
    status: t.status,
    createdAt: t.createdAt,
    approvedAt: t.approvedAt,
    approvalNote: t.approvalNote,
    retiredAt: t.retiredAt,
    rules: t.rules,
  }).orderBy(desc(t.version));
  return { versions, kinds: WARNING_KINDS.map((k) => ({ id: k.id, params: k.params })) };
}
