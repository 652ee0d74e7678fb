import { z } from "zod";
import { IMPORT_KINDS } from "../../imports/kinds";
import { getImportJob, listImportJobs } from "../../imports/jobs";
import { describeLayout, describeLayouts } from "../../imports/layouts";
import { IMPORT_ROLE_LIST } from "../../access/roles";
import { roleProcedure, router } from "../trpc";

// Uploads and template downloads are route handlers (app/api/imports); see
// server/imports/http.ts. Imports are school-wide: only IMPORT_ROLE_LIST may call these.
const importer = roleProcedure(...IMPORT_ROLE_LIST);

export const importsRouter = router({
  /** Column layouts in the caller's language: all kinds, or one. */
  layouts: importer
    .input(z.object({ kind: z.enum(IMPORT_KINDS).optional() }).optional())
    .query(({ ctx, input }) => (input?.kind ? [describeLayout(input.kind, ctx.locale)] : describeLayouts(ctx.locale))),
  /** One job with its progress, counts and (first 1000) errors; poll while it runs. */
  job: importer.input(z.object({ id: z.string().uuid() })).query(({ ctx, input }) => getImportJob(ctx.db, input.id)),
  /** Recent jobs, newest first, without error lists. */
  jobs: importer
    .input(z.object({ limit: z.number().int().min(1).max(200).default(20) }).optional())
    .query(({ ctx, input }) => listImportJobs(ctx.db, input?.limit ?? 20)),
});
