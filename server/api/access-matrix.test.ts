import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { atKey } from "@/server/shared/indexed";
import type { Db } from "@/db/client";
import { persons, roleGrants, ROLES, type Role } from "@/db/schema";
import { DomainError } from "../kernel/errors";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { appRouter, createCaller } from "./root";
import type { Access } from "./trpc";
import { one } from "@/db/query";

// Every role (and an anonymous caller) against every procedure of the router, generated from
// appRouter: the access gate lets through exactly the roles the procedure declares (its meta),
// and answers the others UNAUTHORIZED (nobody signed in) or FORBIDDEN (signed in, wrong role).
// Calls carry no input: a caller let through is then refused by the input's validation (or
// answered, for procedures without input), which counts as "allowed past the gate". A refusal
// by the domain itself (a DomainError, e.g. "not your campaign") is past the gate too.

type Caller = "anonymous" | Role;
type Outcome = "allowed" | "UNAUTHORIZED" | "FORBIDDEN";

let db: Db;
let s: School;
const users = new Map<Role, Awaited<ReturnType<typeof sessionOf>>>();

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  // One person per role holding that role only (unit roles in unit A, school roles school-wide).
  for (const role of ROLES) {
    const p = one(
      await db
        .insert(persons)
        .values({
          number: `M-${role}`,
          name: role,
          kind: role === "student" || role === "info_officer" ? "student" : "staff",
          unitId: s.unitA.id,
        })
        .returning(),
    );
    await db.insert(roleGrants).values({ personId: p.id, role, unitId: role === "unit_admin" || role === "leader" ? s.unitA.id : null });
    users.set(role, await sessionOf(db, p));
  }
});

function expected(allow: Access["allow"], who: Caller): Outcome {
  if (allow === "public") return "allowed";
  if (who === "anonymous") return "UNAUTHORIZED";
  if (allow === "signed-in") return "allowed";
  return allow.includes(who) ? "allowed" : "FORBIDDEN";
}

async function outcome(who: Caller, path: string): Promise<Outcome> {
  const caller = createCaller({
    db,
    user: who === "anonymous" ? null : atKey(users, who),
    locale: "zh",
    now: () => new Date("2026-12-28T03:00:00Z"),
  });
  const call = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input?: unknown,
  ) => Promise<unknown>;
  const settled = await call(undefined).then(
    () => null,
    (e: unknown) => e,
  );
  // The gate refuses with a bare TRPCError; anything else happened past it.
  if (
    settled instanceof TRPCError &&
    !(settled.cause instanceof DomainError) &&
    (settled.code === "UNAUTHORIZED" || settled.code === "FORBIDDEN")
  ) {
    return settled.code;
  }
  return "allowed";
}

describe("role × procedure matrix", () => {
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Partial<Access> } }>);
  const callers: Caller[] = ["anonymous", ...ROLES];

  it("every procedure declares who may call it", () => {
    expect(procedures.length).toBeGreaterThan(50);
    const undeclared = procedures.filter(([, p]) => p._def.meta?.allow === undefined).map(([path]) => path);
    expect(undeclared).toEqual([]);
  });

  it("the gate lets through exactly the declared roles, 401 for nobody signed in, 403 for the others", async () => {
    const mismatches: string[] = [];
    for (const [path, proc] of procedures) {
      const allow = proc._def.meta?.allow;
      if (allow === undefined) continue; // reported by the test above
      const got = await Promise.all(callers.map((who) => outcome(who, path)));
      callers.forEach((who, i) => {
        const want = expected(allow, who);
        if (got[i] !== want) mismatches.push(`${path} as ${who}: ${got[i]}, declared ${want}`);
      });
    }
    expect(mismatches).toEqual([]);
    console.log(`access matrix: ${callers.length} callers × ${procedures.length} procedures = ${callers.length * procedures.length} calls`);
  });
});
