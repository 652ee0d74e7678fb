import { homeSummary } from "../../people/home";
import { router, signedInProcedure } from "../trpc";

export const meRouter = router({
  whoami: signedInProcedure.query(({ ctx }) => ctx.user),
  home: signedInProcedure.query(({ ctx }) => homeSummary(ctx.db, ctx.user)),
});
