import { z } from "zod";
import { INSTRUMENT_VIEW_ROLES } from "../../access/roles";
import { issueForInvitation, issueTokens } from "../../anonymity/issue";
import { putTransfer, takeTransfer, transferPutInput, transferTakeInput } from "../../anonymity/transfer";
import { anonSecret } from "../../kernel/env";
import { LOCALES } from "../../i18n/messages";
import { resolveInvitation } from "../../invitations/invitations";
import { formForCaller, pendingForPerson, respondentVersion } from "../../respond/pending";
import {
  myObservations,
  mySelfEvaluations,
  observationInput,
  selfEvaluationInput,
  submitObservation,
  submitSelfEvaluation,
} from "../../respond/observations";
import { myReportCampaigns, reportInput, submitReport } from "../../campaigns/reports";
import { validateAnswers } from "../../instruments/validate";
import { planOfVersion } from "../../instruments/versions";
import { publicProcedure, roleProcedure, router, signedInProcedure } from "../trpc";
import { idSchema as id } from "../../kernel/ids";

// Answering instruments: the signed-in respondent's list and token issuance, the
// invitation path for alumni and employers, and the preview's trial run. The answers
// themselves never pass through here: they go to the cookie-less /api/submit.
const previewers = roleProcedure(...INSTRUMENT_VIEW_ROLES);

const answersInput = z.record(z.string().max(200), z.unknown()).refine((a) => Object.keys(a).length <= 2000, "too many answers");
const blindedMsg = z.string().min(1).max(700);
const inviteToken = z.string().min(1).max(100);

export const respondRouter = router({
  /** The caller's open evaluations (student eligibility), target by target. */
  pending: signedInProcedure.query(({ ctx }) => pendingForPerson(ctx.db, ctx.user.id, ctx.now())),
  /** The form of a version the caller answers in an open campaign (any version for instrument editors). */
  form: signedInProcedure.input(z.object({ versionId: id })).query(({ ctx, input }) =>
    formForCaller(
      ctx.db,
      {
        id: ctx.user.id,
        editor: ctx.user.roles.some((g) => (INSTRUMENT_VIEW_ROLES as readonly string[]).includes(g.role)),
      },
      input.versionId,
      ctx.now(),
    ),
  ),
  /** Blind signatures for all of the caller's pending targets of one campaign, in one request. */
  issue: signedInProcedure
    .input(
      z.object({
        campaignId: id,
        blinded: z
          .array(z.object({ targetId: id, blindedMsg }))
          .min(1)
          .max(100),
      }),
    )
    .mutation(({ ctx, input }) => issueTokens(ctx.db, { personId: ctx.user.id, ...input }, ctx.now(), anonSecret())),

  /** Moving the caller's evaluations to another device: ciphertext only (anonymity/transfer.ts). */
  transferPut: signedInProcedure.input(transferPutInput).mutation(({ ctx, input }) => putTransfer(ctx.db, ctx.user.id, input, ctx.now())),
  transferTake: signedInProcedure
    .input(transferTakeInput)
    .mutation(({ ctx, input }) => takeTransfer(ctx.db, ctx.user.id, input, ctx.now())),

  /** An invitation link's survey (public: the link is the credential). */
  invitation: publicProcedure.input(z.object({ token: inviteToken })).query(async ({ ctx, input }) => {
    const inv = await resolveInvitation(ctx.db, input.token, ctx.now());
    return { ...inv, form: await respondentVersion(ctx.db, inv.versionId) };
  }),
  /** The invitation's one blind signature; uses the link up. */
  invitationIssue: publicProcedure.input(z.object({ token: inviteToken, blindedMsg })).mutation(async ({ ctx, input }) => {
    const inv = await resolveInvitation(ctx.db, input.token, ctx.now());
    return issueForInvitation(ctx.db, { invitationId: inv.invitationId, blindedMsg: input.blindedMsg }, ctx.now(), anonSecret());
  }),

  /** The caller's class observations to do and done (named records). */
  observations: signedInProcedure.query(({ ctx }) => myObservations(ctx.db, ctx.user.id, ctx.now())),
  observe: signedInProcedure
    .input(observationInput)
    .mutation(({ ctx, input }) => submitObservation(ctx.db, ctx.user.id, input, ctx.locale, ctx.now())),

  /** The information-officer campaigns the caller may report in now (named reports, any number). */
  reportCampaigns: signedInProcedure.query(({ ctx }) => myReportCampaigns(ctx.db, ctx.user.id, ctx.now())),
  report: signedInProcedure
    .input(reportInput)
    .mutation(({ ctx, input }) => submitReport(ctx.db, ctx.user.id, input, ctx.locale, ctx.now())),

  /** The caller's self-evaluations (教师自评) in open campaigns. */
  selfEvaluations: signedInProcedure.query(({ ctx }) => mySelfEvaluations(ctx.db, ctx.user.id, ctx.now())),
  selfEvaluate: signedInProcedure
    .input(selfEvaluationInput)
    .mutation(({ ctx, input }) => submitSelfEvaluation(ctx.db, ctx.user.id, input, ctx.locale, ctx.now())),

  checkPreview: previewers
    .input(
      z.object({
        versionId: id,
        answers: answersInput,
        /** Language of the messages: the caller's unless given (the preview may show the form in the other one). */
        locale: z.enum(LOCALES).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const plan = await planOfVersion(ctx.db, input.versionId);
      const result = validateAnswers(plan, input.answers, input.locale ?? ctx.locale);
      return {
        ok: result.ok,
        errors: result.ok ? [] : result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })),
      };
    }),
});
