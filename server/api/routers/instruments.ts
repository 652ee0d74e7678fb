import { INSTRUMENT_APPROVE_ROLES, INSTRUMENT_VIEW_ROLES } from "../../access/roles";
import { z } from "zod";
import {
  approveVersion,
  checkUpload,
  createVersion,
  diffVersion,
  getInstrument,
  getVersion,
  listInstruments,
  NOTE_MAX,
  retireVersion,
} from "../../instruments/versions";
import { roleProcedure, router } from "../trpc";
import { idSchema as id } from "../../kernel/ids";

// The quality office and the system administrator see instruments and upload versions;
// only the quality office records the committee's approval and retires versions.
// (The same sets gate the pages: app/(app)/admin/instruments.)
const viewer = roleProcedure(...INSTRUMENT_VIEW_ROLES);
const approver = roleProcedure(...INSTRUMENT_APPROVE_ROLES);

export const instrumentsRouter = router({
  list: viewer.query(({ ctx }) => listInstruments(ctx.db)),
  get: viewer.input(z.object({ id })).query(({ ctx, input }) => getInstrument(ctx.db, input.id)),
  /** One version with its instrument file (the preview renders file.survey). */
  version: viewer.input(z.object({ id })).query(({ ctx, input }) => getVersion(ctx.db, input.id)),
  /** Changes from `against` (default: the previous version) to this version. */
  diff: viewer.input(z.object({ id, against: id.optional() })).query(({ ctx, input }) => diffVersion(ctx.db, input.id, input.against)),
  /** A new draft version from an instrument file; the same content again is "unchanged". */
  upload: viewer
    .input(z.object({ file: z.unknown() }))
    .mutation(({ ctx, input }) => createVersion(ctx.db, input.file, ctx.user.id, ctx.locale)),
  /** Problems of a file, for the live editor (a mutation: files are too big for a GET). */
  check: viewer.input(z.object({ file: z.unknown() })).mutation(({ ctx, input }) => checkUpload(ctx.db, input.file, ctx.locale)),
  approve: approver
    .input(z.object({ id, note: z.string().trim().min(1).max(NOTE_MAX) }))
    .mutation(({ ctx, input }) => approveVersion(ctx.db, input.id, ctx.user.id, input.note, ctx.now())),
  retire: approver.input(z.object({ id })).mutation(({ ctx, input }) => retireVersion(ctx.db, input.id, ctx.user.id, ctx.now())),
});
