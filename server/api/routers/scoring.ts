import {
  POLICY_APPROVE_ROLES,
  POLICY_VIEW_ROLES,
  PROVISIONAL_RESULTS_ROLES,
  RESULTS_VIEW_ROLES,
  SCORING_ADMIN_ROLES,
} from "../../access/roles";
import { hasRole } from "../../access/scope";
import type { SessionUser } from "../../auth/users";
import { DomainError } from "../../kernel/errors";
import { translate } from "../../i18n/translate";
import { recompute } from "../../scoring/compute";
import {
  approvePolicy,
  approvePolicyInput,
  createPolicy,
  currentPolicy,
  defaultPolicy,
  getPolicy,
  listPolicies,
  policyFileInput,
  policyIdInput,
  retirePolicy,
  schoolYearInput,
} from "../../scoring/policies";
import { parsePolicy } from "../../scoring/policy";
import {
  compositeListInput,
  listComposites,
  listTargetResults,
  myResults,
  readTargetResult,
  reliabilityInput,
  reliabilityOf,
  resultsOverview,
  targetDetailInput,
  targetListInput,
  targetResultDetail,
} from "../../scoring/results";
import { roleProcedure, router } from "../trpc";

// Results and scoring policies: app/(app)/admin/results, app/(app)/admin/policies, the
// teacher's home. Thin: the domain functions (server/scoring) do the work and the checks.
const viewer = roleProcedure(...RESULTS_VIEW_ROLES);
const policyViewer = roleProcedure(...POLICY_VIEW_ROLES);
const approver = roleProcedure(...POLICY_APPROVE_ROLES);
const admin = roleProcedure(...SCORING_ADMIN_ROLES);
const teacher = roleProcedure("teacher");
/** Figures of campaigns that have not closed reach the quality office only (server/scoring/results.ts). */
const viewOf = (user: SessionUser) => ({ provisional: hasRole(user, ...PROVISIONAL_RESULTS_ROLES) });

export const scoringRouter = router({
  overview: viewer.query(({ ctx }) => resultsOverview(ctx.db, ctx.scope, viewOf(ctx.user))),
  targets: viewer.input(targetListInput).query(({ ctx, input }) => listTargetResults(ctx.db, ctx.scope, input, viewOf(ctx.user))),
  /** One teacher's result: logged in the teacher's view log. */
  target: viewer
    .input(targetDetailInput)
    .query(({ ctx, input }) => readTargetResult(ctx.db, ctx.now, ctx.user, { scope: ctx.scope, view: viewOf(ctx.user) }, input)),
  reliability: viewer.input(reliabilityInput).query(({ ctx, input }) => reliabilityOf(ctx.db, ctx.scope, input.policyId, viewOf(ctx.user))),
  composites: viewer.input(compositeListInput).query(({ ctx, input }) => listComposites(ctx.db, ctx.scope, input, viewOf(ctx.user))),
  /** Recomputes a school year now under its policy in force (the scheduler does it when responses arrive). */
  recompute: admin.input(schoolYearInput).mutation(async ({ ctx, input }) => {
    const p = await currentPolicy(ctx.db, input.schoolYear);
    if (!p) throw new DomainError("CONFLICT", "scoring.errors.noPolicy", { schoolYear: input.schoolYear });
    return recompute(ctx.db, p, { trigger: "manual", actorId: ctx.user.id, now: ctx.now });
  }),

  /** A teacher's own results: published campaigns, reported figures only. */
  mine: teacher.query(({ ctx }) => myResults(ctx.db, ctx.user.id)),
  myTarget: teacher
    .input(targetDetailInput)
    .query(({ ctx, input }) => targetResultDetail(ctx.db, { teacherId: ctx.user.id }, input.policyId, input.targetId, input.raterGroup)),

  policies: router({
    list: policyViewer.query(({ ctx }) => listPolicies(ctx.db)),
    get: policyViewer.input(policyIdInput).query(({ ctx, input }) => getPolicy(ctx.db, input.id)),
    /** The documented defaults for a school year, to start a new policy from. */
    defaults: policyViewer.input(schoolYearInput).query(({ input }) => defaultPolicy(input.schoolYear)),
    /** The first problem of a policy file, in the caller's language (null: none), for the live editor. */
    check: policyViewer.input(policyFileInput).mutation(({ ctx, input }) => {
      try {
        return { ok: true as const, policy: parsePolicy(input.policy), problem: null };
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        return { ok: false as const, policy: null, problem: translate(ctx.locale, e.code, e.params) };
      }
    }),
    create: approver.input(policyFileInput).mutation(({ ctx, input }) => createPolicy(ctx.db, input.policy, ctx.user.id)),
    approve: approver.input(approvePolicyInput).mutation(async ({ ctx, input }) => {
      const r = await approvePolicy(ctx.db, input.id, ctx.user.id, input.note, ctx.now());
      // The new policy is in force at once: its figures are computed now.
      const p = await currentPolicy(ctx.db, r.schoolYear);
      const run = p && p.id === input.id ? await recompute(ctx.db, p, { trigger: "approval", actorId: ctx.user.id, now: ctx.now }) : null;
      return { ...r, results: run?.results ?? 0 };
    }),
    retire: approver.input(policyIdInput).mutation(({ ctx, input }) => retirePolicy(ctx.db, input.id, ctx.user.id, ctx.now())),
  }),
});
