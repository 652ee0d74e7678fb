import { ORDER_ISSUE_ROLES, ORDER_VERIFY_ROLES } from "../../access/roles";
import { assertInScope, unitScope } from "../../access/scope";
import {
  answerInput, answerOrder, cancelOrder, closeInput, closeOrder, continueInput, continueOrder, createOrder, createOrderInput,
  reasonInput, reopenInput, reopenOrder, verifyInput, verifyOrder,
} from "../../improvement/orders";
import { roleProcedure, router, signedInProcedure } from "../trpc";

// Rectification orders: app/(app)/improvement. Thin: server/improvement does the work and
// the checks (who answers, who verifies: states.ts and orders.ts).
export const improvementRouter = router({
  /** Issue an order: the quality office anywhere, a unit admin within their units. */
  create: roleProcedure(...ORDER_ISSUE_ROLES).input(createOrderInput).mutation(async ({ ctx, input }) => {
    assertInScope(await unitScope(ctx.db, ctx.user, ORDER_ISSUE_ROLES), input.unitId);
    return createOrder(ctx.db, ctx.now(), ctx.user, input);
  }),
  /** The responsible side answers (the domain checks who is responsible). */
  answer: signedInProcedure.input(answerInput).mutation(({ ctx, input }) => answerOrder(ctx.db, ctx.now(), ctx.user, input)),
  verify: roleProcedure(...ORDER_VERIFY_ROLES).input(verifyInput).mutation(({ ctx, input }) => verifyOrder(ctx.db, ctx.now(), ctx.user, input)),
  close: roleProcedure(...ORDER_VERIFY_ROLES).input(closeInput).mutation(({ ctx, input }) => closeOrder(ctx.db, ctx.now(), ctx.user, input)),
  continue: roleProcedure(...ORDER_VERIFY_ROLES).input(continueInput).mutation(({ ctx, input }) => continueOrder(ctx.db, ctx.now(), ctx.user, input)),
  reopen: roleProcedure(...ORDER_VERIFY_ROLES).input(reopenInput).mutation(({ ctx, input }) => reopenOrder(ctx.db, ctx.now(), ctx.user, input)),
  cancel: roleProcedure(...ORDER_VERIFY_ROLES).input(reasonInput).mutation(({ ctx, input }) => cancelOrder(ctx.db, ctx.now(), ctx.user, input)),
});
