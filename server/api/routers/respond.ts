import { eq } from "drizzle-orm";
import { z } from "zod";
import { instrumentVersions } from "@/db/schema";
import { LOCALES } from "../../i18n/messages";
import { badRequest, notFound } from "../../errors";
import { instrumentFileSchema } from "../../instruments/format";
import { PlanError } from "../../instruments/plan";
import { getPlan, validateAnswers } from "../../instruments/validate";
import { roleProcedure, router } from "../trpc";

// Answering instruments. For now the preview's trial run: the server checks a set of
// answers against a version exactly as it will check real responses, and stores nothing.
const previewers = roleProcedure("quality_admin", "sys_admin");

const answersInput = z.record(z.string().max(200), z.unknown())
  .refine((a) => Object.keys(a).length <= 2000, "too many answers");

export const respondRouter = router({
  checkPreview: previewers.input(z.object({
    versionId: z.number().int().positive(),
    answers: answersInput,
    /** Language of the messages: the caller's unless given (the preview may show the form in the other one). */
    locale: z.enum(LOCALES).optional(),
  })).mutation(async ({ ctx, input }) => {
    // Versions never change, so the compiled plan is cached per version id.
    const plan = await getPlan(input.versionId, async () => {
      const [row] = await ctx.db.select({ definition: instrumentVersions.definition }).from(instrumentVersions)
        .where(eq(instrumentVersions.id, input.versionId));
      if (!row) throw notFound("respond.versionNotFound");
      const file = instrumentFileSchema.safeParse(row.definition);
      if (!file.success) throw badRequest("respond.versionUnreadable", { detail: file.error.issues[0]?.message ?? "" });
      return file.data.survey;
    }).catch((e: unknown) => {
      if (e instanceof PlanError) throw badRequest("respond.versionUnreadable", { detail: e.message });
      throw e;
    });
    const result = validateAnswers(plan, input.answers, input.locale ?? ctx.locale);
    return {
      ok: result.ok,
      errors: result.ok ? [] : result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })),
    };
  }),
});
