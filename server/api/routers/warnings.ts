import { WARNING_ROLES } from "../../access/roles";
import {
  approveRuleSet,
  approveRuleSetInput,
  createRuleSet,
  retireRuleSet,
  ruleSetIdInput,
  ruleSetInput,
  ruleSets,
} from "../../warnings/rules";
import {
  convertWarning,
  convertWarningInput,
  dismissWarning,
  dismissWarningInput,
  listWarnings,
  listWarningsInput,
} from "../../warnings/warnings";
import { roleProcedure, router } from "../trpc";

// 教学质量预警: app/(app)/admin/warnings. Thin: server/warnings does the work and the checks.
export const warningsRouter = router({
  rules: roleProcedure(...WARNING_ROLES).query(({ ctx }) => ruleSets(ctx.db)),
  createRules: roleProcedure(...WARNING_ROLES)
    .input(ruleSetInput)
    .mutation(({ ctx, input }) => createRuleSet(ctx.db, ctx.now(), ctx.user, input)),
  approveRules: roleProcedure(...WARNING_ROLES)
    .input(approveRuleSetInput)
    .mutation(({ ctx, input }) => approveRuleSet(ctx.db, ctx.now(), ctx.user, input)),
  retireRules: roleProcedure(...WARNING_ROLES)
    .input(ruleSetIdInput)
    .mutation(({ ctx, input }) => retireRuleSet(ctx.db, ctx.now(), ctx.user, input)),
  list: roleProcedure(...WARNING_ROLES)
    .input(listWarningsInput)
    .query(({ ctx, input }) => listWarnings(ctx.db, input)),
  convert: roleProcedure(...WARNING_ROLES)
    .input(convertWarningInput)
    .mutation(({ ctx, input }) => convertWarning(ctx.db, ctx.now(), ctx.user, input)),
  dismiss: roleProcedure(...WARNING_ROLES)
    .input(dismissWarningInput)
    .mutation(({ ctx, input }) => dismissWarning(ctx.db, ctx.now(), ctx.user, input)),
});
