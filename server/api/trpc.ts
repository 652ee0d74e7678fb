import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db } from "@/db/client";
import type { Role } from "@/db/schema";
import { DomainError } from "../kernel/errors";
import { translate } from "../i18n/translate";
import { zodFields } from "../i18n/zod";
import { errorParams, inputFields, inputRefusal } from "../kernel/validate";
import type { Locale } from "../i18n/messages";
import type { SessionUser } from "../auth/users";
import { unitScope, type UnitScope } from "../access/scope";
import { showPath, unstorableTextPath } from "../kernel/text";

// The context is plain data: route handlers build it from the request, tests build it
// directly (see createCaller in root.ts), no HTTP needed.
export type Context = { db: Db; user: SessionUser | null; locale: Locale; now: () => Date };

// Who may call a procedure. Every procedure declares it; one without is refused.
export type Access = { allow: "public" } | { allow: "signed-in" } | { allow: readonly Role[] };

const t = initTRPC
  .context<Context>()
  .meta<Access>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error, ctx }) {
      const locale = ctx?.locale ?? "zh";
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      const refusal = zodError ? inputRefusal(zodError, locale) : null;
      const { stack: _stack, ...data } = shape.data; // never send server stacks to the browser
      return {
        ...shape,
        message: refusal
          ? translate(locale, refusal.code, refusal.params)
          : error.code === "INTERNAL_SERVER_ERROR"
            ? translate(locale, "errors.internal")
            : shape.message,
        data: {
          ...data,
          // Per-field messages so forms can show them beside the field.
          fields: zodError ? zodFields(zodError) : inputFields(error.cause),
          details: error.cause instanceof DomainError ? (error.cause.details ?? null) : null,
        },
      };
    },
  });

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

// One place maps domain errors to tRPC errors, in the caller's language.
const errorMapping = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const d = result.error.cause;
    throw new TRPCError({ code: d.kind, message: translate(ctx.locale, d.code, errorParams(d, ctx.locale)), cause: d });
  }
  return result;
});

// Default deny: the access check runs for every procedure and refuses those that did
// not declare who may call them.
const accessCheck = t.middleware(async ({ ctx, meta, next }) => {
  if (!meta?.allow) throw new TRPCError({ code: "FORBIDDEN", message: translate(ctx.locale, "errors.forbidden") });
  if (meta.allow === "public") return next();
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: translate(ctx.locale, "errors.unauthorized") });
  if (meta.allow !== "signed-in" && !ctx.user.roles.some((g) => meta.allow.includes(g.role))) {
    throw new TRPCError({ code: "FORBIDDEN", message: translate(ctx.locale, "errors.forbidden") });
  }
  return next({ ctx: { ...ctx, user: ctx.user } });
});

// One check for every input: a string (or key) holding a NUL or a lone surrogate is refused
// with 400 and its path (server/kernel/text.ts), whatever the procedure's own schema says.
const storableText = t.middleware(async ({ ctx, getRawInput, next }) => {
  const bad = unstorableTextPath(await getRawInput());
  if (bad !== null)
    throw new TRPCError({ code: "BAD_REQUEST", message: translate(ctx.locale, "errors.badText", { field: showPath(bad) }) });
  return next();
});

const base = t.procedure.use(errorMapping).use(accessCheck).use(storableText);

export const publicProcedure = base.meta({ allow: "public" });
export const signedInProcedure = base
  .meta({ allow: "signed-in" })
  .use(({ ctx, next }) => next({ ctx: { ...ctx, user: ctx.user as SessionUser } }));

/** A procedure only the given roles may call; ctx.scope is what of the school those roles see. */
export function roleProcedure(...roles: Role[]) {
  return base.meta({ allow: roles }).use(async ({ ctx, next }) => {
    const user = ctx.user as SessionUser;
    const scope: UnitScope = await unitScope(ctx.db, user, roles);
    return next({ ctx: { ...ctx, user, scope } });
  });
}
