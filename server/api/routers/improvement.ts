import { ORDER_ISSUE_ROLES, ORDER_VERIFY_ROLES, ORDER_VIEW_ROLES } from "../../access/roles";
import { assertInScope, unitScope } from "../../access/scope";
import {
  answerInput,
  answerOrder,
  cancelOrder,
  closeInput,
  closeOrder,
  continueInput,
  continueOrder,
  createOrder,
  createOrderInput,
  reasonInput,
  reopenInput,
  reopenOrder,
  verifyInput,
  verifyOrder,
} from "../../improvement/orders";
import { orderFromReport, orderFromReportInput, officerFeedback, reportUnit, youSaidWeDid } from "../../improvement/feedback";
import { listOrders, listOrdersInput, orderDashboard, orderDetail } from "../../improvement/queries";
import { idSchema } from "../../kernel/ids";
import { z } from "zod";
import { roleProcedure, router, signedInProcedure } from "../trpc";

// Rectification orders: app/(app)/improvement. Thin: server/improvement does the work and
// the checks (who answers, who verifies: states.ts and orders.ts).
export const improvementRouter = router({
  /** Issue an order: the quality office anywhere, a unit admin within their units. */
  create: roleProcedure(...ORDER_ISSUE_ROLES)
    .input(createOrderInput)
    .mutation(async ({ ctx, input }) => {
      assertInScope(await unitScope(ctx.db, ctx.user, ORDER_ISSUE_ROLES), input.unitId);
      return createOrder(ctx.db, ctx.now(), ctx.user, input);
    }),
  /** The responsible side answers (the domain checks who is responsible). */
  answer: signedInProcedure.input(answerInput).mutation(({ ctx, input }) => answerOrder(ctx.db, ctx.now(), ctx.user, input)),
  verify: roleProcedure(...ORDER_VERIFY_ROLES)
    .input(verifyInput)
    .mutation(({ ctx, input }) => verifyOrder(ctx.db, ctx.now(), ctx.user, input)),
  close: roleProcedure(...ORDER_VERIFY_ROLES)
    .input(closeInput)
    .mutation(({ ctx, input }) => closeOrder(ctx.db, ctx.now(), ctx.user, input)),
  continue: roleProcedure(...ORDER_VERIFY_ROLES)
    .input(continueInput)
    .mutation(({ ctx, input }) => continueOrder(ctx.db, ctx.now(), ctx.user, input)),
  reopen: roleProcedure(...ORDER_VERIFY_ROLES)
    .input(reopenInput)
    .mutation(({ ctx, input }) => reopenOrder(ctx.db, ctx.now(), ctx.user, input)),
  /** The orders the caller may see (all, their units', or their own), filtered and paged on the server. */
  list: signedInProcedure.input(listOrdersInput).query(({ ctx, input }) => listOrders(ctx.db, ctx.now(), ctx.user, input)),
  detail: signedInProcedure.input(z.object({ id: idSchema })).query(({ ctx, input }) => orderDetail(ctx.db, ctx.now(), ctx.user, input.id)),
  dashboard: roleProcedure(...ORDER_VIEW_ROLES).query(({ ctx }) => orderDashboard(ctx.db, ctx.now(), ctx.user)),
  /** An information officer's report becomes an order of its responsible unit. */
  fromReport: roleProcedure(...ORDER_ISSUE_ROLES)
    .input(orderFromReportInput)
    .mutation(async ({ ctx, input }) => {
      const unitId = await reportUnit(ctx.db, input.reportId);
      assertInScope(await unitScope(ctx.db, ctx.user, ORDER_ISSUE_ROLES), unitId);
      return orderFromReport(ctx.db, ctx.now(), ctx.user, input);
    }),
  /** The caller's own information-officer reports with their orders' status and answer. */
  myReports: signedInProcedure.query(({ ctx }) => officerFeedback(ctx.db, ctx.user.id)),
  /** "You said, we did" for the caller as a student. */
  youSaidWeDid: signedInProcedure.query(({ ctx }) => youSaidWeDid(ctx.db, ctx.now(), ctx.user.id)),
  cancel: roleProcedure(...ORDER_VERIFY_ROLES)
    .input(reasonInput)
    .mutation(({ ctx, input }) => cancelOrder(ctx.db, ctx.now(), ctx.user, input)),
});
