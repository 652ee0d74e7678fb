import { z } from "zod";
import { courseType } from "@/db/schema";
import { listCourses, listProgrammes, listSections, listTerms, listUnits } from "../../org/queries";
import { pageInput } from "../../kernel/paging";
import { BROWSE_ROLE_LIST } from "../../access/roles";
import { roleProcedure, router, signedInProcedure } from "../trpc";
import { idSchema as id } from "../../kernel/ids";

const browse = roleProcedure(...BROWSE_ROLE_LIST);

export const orgRouter = router({
  units: browse.query(({ ctx }) => listUnits(ctx.db, ctx.scope)),
  terms: signedInProcedure.query(({ ctx }) => listTerms(ctx.db)),
  programmes: browse.input(pageInput.extend({ unitId: id.optional() })).query(({ ctx, input }) => listProgrammes(ctx.db, ctx.scope, input)),
  courses: browse
    .input(pageInput.extend({ unitId: id.optional(), type: z.enum(courseType.enumValues).optional() }))
    .query(({ ctx, input }) => listCourses(ctx.db, ctx.scope, input)),
  sections: browse
    .input(pageInput.extend({ unitId: id.optional(), termId: id.optional() }))
    .query(({ ctx, input }) => listSections(ctx.db, ctx.scope, input)),
});
