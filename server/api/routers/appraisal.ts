import { z } from "zod";
import { APPRAISAL_APPROVE_ROLES, APPRAISAL_HR_ROLES, APPRAISAL_VIEW_ROLES, VIEW_LOG_ROLES } from "../../access/roles";
import type { SessionUser } from "../../auth/users";
import {
  appealListInput,
  assignInput,
  decideInput,
  fileAppeal,
  assignReviewer,
  decideAppeal,
  fileInput,
  listAppeals,
} from "../../appraisal/appeals";
import {
  approveVersion,
  lockVersion,
  prepareInput,
  prepareVersion,
  requestApproval,
  versionIdInput,
  yearInput,
} from "../../appraisal/publish";
import { appraisalYears, tableInput, teacherAppraisal, teacherPageInput, yearSummary, yearTable } from "../../appraisal/queries";
import { exemptionInput, recordExemption, recordVeto, revokeInput, revokeVeto, vetoInput } from "../../appraisal/vetoes";
import { logView, viewLog, viewLogInput, viewsOf } from "../../appraisal/views";
import { diagnosisInput, diagnosisPlan, diagnosisPlanInput, saveDiagnosis } from "../../appraisal/diagnosis";
import { indicatorView, indicatorViewInput } from "../../appraisal/indicators";
import { roleProcedure, router, signedInProcedure } from "../trpc";
import { idSchema as id } from "../../kernel/ids";

// Teacher appraisal: app/(app)/appraisal (HR, quality office, unit admins and leaders),
// app/(app)/self/appraisal (the teacher's own). Thin: server/appraisal does the work and checks.
const viewer = roleProcedure(...APPRAISAL_VIEW_ROLES);
const hr = roleProcedure(...APPRAISAL_HR_ROLES);
const quality = roleProcedure(...APPRAISAL_APPROVE_ROLES);
const teacher = roleProcedure("teacher");

/** The role a reader looks with (the view log names it): the first appraisal role they hold. */
const roleOf = (user: SessionUser) => APPRAISAL_VIEW_ROLES.find((r) => user.roles.some((g) => g.role === r)) ?? "staff";

export const appraisalRouter = router({
  /** School years with an approved scoring policy, latest first, with their rules. */
  years: signedInProcedure.query(({ ctx }) => appraisalYears(ctx.db)),
  table: viewer.input(tableInput).query(({ ctx, input }) => yearTable(ctx.db, ctx.scope, input)),
  summary: viewer.input(yearInput).query(({ ctx, input }) => yearSummary(ctx.db, ctx.scope, input.schoolYear)),
  /** A teacher's page for HR and the others: logged in the teacher's view log. */
  teacher: viewer.input(teacherPageInput).query(async ({ ctx, input }) => {
    const page = await teacherAppraisal(ctx.db, { ...input, scope: ctx.scope, teacherView: false });
    await logView(ctx.db, ctx.now, {
      subjectId: input.teacherId,
      viewer: ctx.user,
      role: roleOf(ctx.user),
      what: "appraisal.teacher",
      detail: { schoolYear: input.schoolYear },
    });
    return page;
  }),

  vetoes: router({
    record: hr.input(vetoInput).mutation(({ ctx, input }) => recordVeto(ctx.db, ctx.user, ctx.now, input)),
    revoke: hr.input(revokeInput).mutation(({ ctx, input }) => revokeVeto(ctx.db, ctx.user, ctx.now, input)),
  }),
  exemptions: router({
    record: hr.input(exemptionInput).mutation(({ ctx, input }) => recordExemption(ctx.db, ctx.user, ctx.now, input)),
  }),
  versions: router({
    prepare: hr.input(prepareInput).mutation(({ ctx, input }) => prepareVersion(ctx.db, ctx.user, ctx.now, input)),
    request: hr.input(versionIdInput).mutation(({ ctx, input }) => requestApproval(ctx.db, ctx.user, ctx.now, input)),
    approve: quality.input(versionIdInput).mutation(({ ctx, input }) => approveVersion(ctx.db, ctx.user, ctx.now, input)),
    lock: hr.input(versionIdInput).mutation(({ ctx, input }) => lockVersion(ctx.db, ctx.user, ctx.now, input)),
  }),
  appeals: router({
    list: quality.input(appealListInput).query(({ ctx, input }) => listAppeals(ctx.db, { schoolYear: input.schoolYear, open: input.open })),
    assign: quality.input(assignInput).mutation(({ ctx, input }) => assignReviewer(ctx.db, ctx.user, ctx.now, input)),
    /** Cases assigned to the caller as reviewer. */
    assigned: signedInProcedure.query(({ ctx }) => listAppeals(ctx.db, { reviewerId: ctx.user.id })),
    decide: signedInProcedure.input(decideInput).mutation(({ ctx, input }) => decideAppeal(ctx.db, ctx.user, ctx.now, input)),
    file: teacher.input(fileInput).mutation(({ ctx, input }) => fileAppeal(ctx.db, ctx.user, ctx.now, input)),
  }),

  /** The teacher's own appraisal: only a version on notice or locked; nothing before it. */
  mine: teacher
    .input(yearInput)
    .query(({ ctx, input }) =>
      teacherAppraisal(ctx.db, { teacherId: ctx.user.id, schoolYear: input.schoolYear, scope: "all", teacherView: true }),
    ),
  /** The teacher's indicators against the norm group in a term (published results only) and the composite's trend over terms. */
  indicators: teacher.input(indicatorViewInput).query(({ ctx, input }) => indicatorView(ctx.db, ctx.user.id, input)),
  /** The teacher's self-diagnosis plan of a term (targets for the next term) and its outcome. */
  diagnosis: router({
    plan: teacher.input(diagnosisPlanInput).query(({ ctx, input }) => diagnosisPlan(ctx.db, ctx.user.id, input.termId)),
    save: teacher.input(diagnosisInput).mutation(({ ctx, input }) => saveDiagnosis(ctx.db, ctx.now(), ctx.user, input)),
  }),
  /** Who looked at a teacher's results: the teacher's own list, or any teacher's for the system administrator. */
  views: signedInProcedure
    .input(z.object({ teacherId: id.optional() }).strict())
    .query(({ ctx, input }) => viewsOf(ctx.db, ctx.user, input.teacherId ?? ctx.user.id)),
  /** The whole view log, paged and filtered (teacher, viewer, Beijing days): the system administrator's page. */
  viewLog: roleProcedure(...VIEW_LOG_ROLES)
    .input(viewLogInput)
    .query(({ ctx, input }) => viewLog(ctx.db, ctx.user, input)),
});
