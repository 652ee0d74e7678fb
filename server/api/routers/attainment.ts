import {
  approveModelInput,
  approveModelVersion,
  computeRunInput,
  getModelVersion,
  modelEditor,
  modelEditorInput,
  modelIdInput,
  retireModelVersion,
  saveModelDraft,
  saveModelInput,
} from "../../attainment/model";
import { computeYear, saveSectionNotes, sectionReport } from "../../attainment/store";
import {
  assertProgrammeAccess,
  assertSectionAccess,
  ATTAINMENT_APPROVE_ROLES,
  ATTAINMENT_EDIT_ROLES,
  mySections,
  programmeInput,
  programmeReport,
  attainmentProgrammes,
  mayEditProgramme,
  sectionInput,
  sectionNotesInput,
} from "../../attainment/views";
import { roleProcedure, router, signedInProcedure } from "../trpc";

// OBE attainment: app/(app)/attainment. Thin: server/attainment does the work and the checks
// (access per section and programme in views.ts). The gradebook upload and the Word reports
// are route handlers (app/api/attainment/…).

export const attainmentRouter = router({
  /** What the attainment page lists for the caller: their sections, and the programmes they may see. */
  overview: signedInProcedure.query(async ({ ctx }) => ({
    sections: await mySections(ctx.db, ctx.user.id),
    programmes: await attainmentProgrammes(ctx.db, ctx.user),
  })),
  section: signedInProcedure.input(sectionInput).query(async ({ ctx, input }) => {
    await assertSectionAccess(ctx.db, ctx.user, input.sectionId, "view");
    return sectionReport(ctx.db, input.sectionId);
  }),
  saveNotes: signedInProcedure.input(sectionNotesInput).mutation(async ({ ctx, input }) => {
    await assertSectionAccess(ctx.db, ctx.user, input.sectionId, "edit");
    await saveSectionNotes(ctx.db, input.sectionId, { analysis: input.analysis, measures: input.measures }, ctx.user.id, ctx.now());
    return { ok: true };
  }),
  programme: signedInProcedure.input(programmeInput).query(async ({ ctx, input }) => {
    const p = await assertProgrammeAccess(ctx.db, ctx.user, input.programmeId);
    // the compute action is offered only to those attainment.compute accepts
    return {
      ...(await programmeReport(ctx.db, input.programmeId, input.schoolYear)),
      canCompute: await mayEditProgramme(ctx.db, ctx.user, p.unitId),
    };
  }),
  compute: roleProcedure(...ATTAINMENT_EDIT_ROLES)
    .input(computeRunInput)
    .mutation(async ({ ctx, input }) => {
      const m = await getModelVersion(ctx.db, input.modelId);
      await assertProgrammeAccess(ctx.db, ctx.user, m.programmeId, ATTAINMENT_EDIT_ROLES);
      const run = await computeYear(ctx.db, input.modelId, input.schoolYear, ctx.user.id, ctx.now());
      return { id: run.id };
    }),
  /** The model editor (app/(app)/attainment/programmes/[programmeId]/model): those who import the model edit it. */
  modelEditor: roleProcedure(...ATTAINMENT_EDIT_ROLES)
    .input(modelEditorInput)
    .query(async ({ ctx, input }) => {
      await assertProgrammeAccess(ctx.db, ctx.user, input.programmeId, ATTAINMENT_EDIT_ROLES);
      return modelEditor(ctx.db, input.programmeId, ctx.locale);
    }),
  saveModel: roleProcedure(...ATTAINMENT_EDIT_ROLES)
    .input(saveModelInput)
    .mutation(async ({ ctx, input }) => {
      await assertProgrammeAccess(ctx.db, ctx.user, input.programmeId, ATTAINMENT_EDIT_ROLES);
      return saveModelDraft(ctx.db, ctx.now(), ctx.user, input, ctx.locale);
    }),
  approveModel: roleProcedure(...ATTAINMENT_APPROVE_ROLES)
    .input(approveModelInput)
    .mutation(({ ctx, input }) => approveModelVersion(ctx.db, input.modelId, ctx.user.id, input.note, ctx.now(), ctx.locale)),
  retireModel: roleProcedure(...ATTAINMENT_APPROVE_ROLES)
    .input(modelIdInput)
    .mutation(({ ctx, input }) => retireModelVersion(ctx.db, input.modelId, ctx.user.id, ctx.now())),
});
