import { z } from "zod";
import { INSTRUMENT_VIEW_ROLES } from "../../access/roles";
import { LOCALES } from "../../i18n/messages";
import { validateAnswers } from "../../instruments/validate";
import { planOfVersion } from "../../instruments/versions";
import { roleProcedure, router } from "../trpc";

// Answering instruments. For now the preview's trial run: the server checks a set of
// answers against a version exactly as it will check real responses, and stores nothing.
const previewers = roleProcedure(...INSTRUMENT_VIEW_ROLES);

const answersInput = z.record(z.string().max(200), z.unknown())
  .refine((a) => Object.keys(a).length <= 2000, "too many answers");

export const respondRouter = router({
  checkPreview: previewers.input(z.object({
    versionId: z.number().int().positive(),
    answers: answersInput,
    /** Language of the messages: the caller's unless given (the preview may show the form in the other one). */
    locale: z.enum(LOCALES).optional(),
  })).mutation(async ({ ctx, input }) => {
    const plan = await planOfVersion(ctx.db, input.versionId);
    const result = validateAnswers(plan, input.answers, input.locale ?? ctx.locale);
    return {
      ok: result.ok,
      errors: result.ok ? [] : result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })),
    };
  }),
});
