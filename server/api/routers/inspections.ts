import { z } from "zod";
import { INSPECTION_FILL_ROLES, INSPECTION_RUN_ROLES, INSPECTION_VIEW_ROLES } from "../../access/roles";
import {
  createInspection,
  createInspectionInput,
  inspectionDetail,
  listInspections,
  myChecklists,
  orderFromProblem,
  ordersFromProblems,
  problemsToOrdersInput,
  problemToOrderInput,
  submitChecklist,
  submitChecklistInput,
  unitChecklist,
  unitChecklistInput,
} from "../../inspections/inspections";
import { inspectionFormOptions } from "../../inspections/options";
import { idSchema } from "../../kernel/ids";
import { roleProcedure, router } from "../trpc";

// 教学检查: app/(app)/admin/inspections (the quality office) and app/(app)/inspections (a unit
// admin's checklists). Thin: server/inspections does the work and the unit checks.
const run = roleProcedure(...INSPECTION_RUN_ROLES);
const fill = roleProcedure(...INSPECTION_FILL_ROLES);

export const inspectionsRouter = router({
  /** What the creation form offers: terms, approved checklist versions, units. */
  formOptions: run.query(({ ctx }) => inspectionFormOptions(ctx.db)),
  create: run.input(createInspectionInput).mutation(({ ctx, input }) => createInspection(ctx.db, ctx.now(), ctx.user, input)),
  /** The inspections the caller sees (a unit admin counted over their units). */
  list: roleProcedure(...INSPECTION_VIEW_ROLES).query(({ ctx }) => listInspections(ctx.db, ctx.now(), ctx.user)),
  detail: roleProcedure(...INSPECTION_VIEW_ROLES)
    .input(z.object({ id: idSchema }).strict())
    .query(({ ctx, input }) => inspectionDetail(ctx.db, ctx.now(), ctx.user, input.id, ctx.locale)),
  /** A unit admin's checklists, to fill in and filled in. */
  mine: fill.query(({ ctx }) => myChecklists(ctx.db, ctx.now(), ctx.user)),
  checklist: fill.input(unitChecklistInput).query(({ ctx, input }) => unitChecklist(ctx.db, ctx.now(), ctx.user, input, ctx.locale)),
  submit: fill.input(submitChecklistInput).mutation(({ ctx, input }) => submitChecklist(ctx.db, ctx.now(), ctx.user, input, ctx.locale)),
  /** One problem becomes an order to its unit. */
  toOrder: run.input(problemToOrderInput).mutation(({ ctx, input }) => orderFromProblem(ctx.db, ctx.now(), ctx.user, input)),
  /** Every problem without an order (of the inspection, or of one unit) becomes one. */
  toOrders: run.input(problemsToOrdersInput).mutation(({ ctx, input }) => ordersFromProblems(ctx.db, ctx.now(), ctx.user, input)),
});
