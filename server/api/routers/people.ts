import { z } from "zod";
import { ROLES } from "@/db/schema";
import { getPerson, listPeople } from "../../people/queries";
import { pageInput } from "../../kernel/paging";
import { setPassword } from "../../auth/users";
import { PEOPLE_MANAGE_ROLES, PEOPLE_VIEW_ROLES } from "../../access/roles";
import { revokeInput, revokeRole, setActive, setActiveInput } from "../../people/manage";
import { roleProcedure, router } from "../trpc";
import { idSchema as id } from "../../kernel/ids";

const browse = roleProcedure(...PEOPLE_VIEW_ROLES);

export const peopleRouter = router({
  list: browse
    .input(
      pageInput.extend({
        unitId: id.optional(),
        role: z.enum(ROLES).optional(),
        kind: z.enum(["staff", "student"]).optional(),
      }),
    )
    .query(({ ctx, input }) => listPeople(ctx.db, ctx.scope, input)),
  // Only the system administrator sets passwords (imported people have none until then).
  setPassword: roleProcedure("sys_admin")
    .input(
      z.object({
        id,
        password: z
          .string()
          .min(8)
          .max(128)
          .regex(/[A-Za-z]/)
          .regex(/[0-9]/),
      }),
    )
    .mutation(({ ctx, input }) => setPassword(ctx.db, input.id, input.password, ctx.user.id)),
  // Revoking a role and (de)activating a person: the roles that grant roles (by import).
  revokeRole: roleProcedure(...PEOPLE_MANAGE_ROLES)
    .input(revokeInput)
    .mutation(({ ctx, input }) => revokeRole(ctx.db, ctx.user, input)),
  setActive: roleProcedure(...PEOPLE_MANAGE_ROLES)
    .input(setActiveInput)
    .mutation(({ ctx, input }) => setActive(ctx.db, ctx.user, input)),
  get: browse.input(z.object({ id })).query(({ ctx, input }) => getPerson(ctx.db, ctx.scope, input.id, ctx.user)),
});
