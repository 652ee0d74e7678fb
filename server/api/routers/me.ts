import { ratesForTeacher } from "../../campaigns/rates";
import { homeSummary } from "../../people/home";
import { observationsOfTeacher } from "../../respond/observations";
import { roleProcedure, router, signedInProcedure } from "../trpc";

export const meRouter = router({
  whoami: signedInProcedure.query(({ ctx }) => ctx.user),
  home: signedInProcedure.query(({ ctx }) => homeSummary(ctx.db, ctx.user)),
  /** A teacher's own sections' response rates in their campaigns (counts only). */
  sectionRates: roleProcedure("teacher").query(({ ctx }) => ratesForTeacher(ctx.db, ctx.user.id)),
  /** Observation records of the teacher's classes (observers named only where the campaign says so). */
  observedMe: roleProcedure("teacher").query(({ ctx }) => observationsOfTeacher(ctx.db, ctx.user.id)),
});
