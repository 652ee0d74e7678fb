import { z } from "zod";
import { ROLES } from "@/db/schema";
import { getPerson, listPeople } from "../../people/queries";
import { pageInput } from "../../paging";
import { BROWSE_ROLES, roleProcedure, router } from "../trpc";

const browse = roleProcedure(...BROWSE_ROLES);

export const peopleRouter = router({
  list: browse.input(pageInput.extend({
    unitId: z.number().int().positive().optional(),
    role: z.enum(ROLES).optional(),
    kind: z.enum(["staff", "student"]).optional(),
  })).query(({ ctx, input }) => listPeople(ctx.db, ctx.scope, input)),
  get: browse.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) => getPerson(ctx.db, ctx.scope, input.id)),
});
