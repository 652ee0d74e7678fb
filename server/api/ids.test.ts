import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { createCaller } from "./root";

let db: Db;
let s: School;

beforeAll(async () => {
  ({ db, s } = await freshSchool());
});

// Ids are PostgreSQL integers: one beyond 2^31−1 must be refused at the boundary as a bad
// request in the caller's language, never reach the database (where it overflows into a 500).
describe("ids at the procedure boundary", () => {
  it("instruments.get with an id beyond the integer range is a 400, not a 500", async () => {
    const quality = createCaller({ db, user: await sessionOf(db, s.people.quality), locale: "en" });
    const refused = quality.instruments.get({ id: 3_000_000_000 });
    await expect(refused).rejects.toBeInstanceOf(TRPCError);
    await expect(refused).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { issues: [expect.objectContaining({ path: ["id"], code: "too_big" })] },
    });
  });
});

// A school year is two consecutive years, checked by the one schema at every boundary: before it,
// scoring.policies.defaults took "2026-2028" and answered a policy for a year that cannot exist.
describe("school years at the procedure boundary", () => {
  it("a school year that is not two consecutive years is a 400 in the caller's language", async () => {
    const quality = createCaller({ db, user: await sessionOf(db, s.people.quality), locale: "zh" });
    for (const schoolYear of ["2026-2028", "2026-2026", "2026-27"]) {
      const refused = quality.scoring.policies.defaults({ schoolYear });
      await expect(refused).rejects.toMatchObject({
        code: "BAD_REQUEST",
        cause: { issues: [expect.objectContaining({ path: ["schoolYear"] })] },
      });
    }
    await expect(quality.scoring.policies.defaults({ schoolYear: "2026-2027" })).resolves.toMatchObject({ schoolYear: "2026-2027" });
  });
});

// Every id field of every procedure's input (a number field named `id` or `…Id`, at any depth)
// is bounded as a PostgreSQL integer: found by walking the input schemas of the router.
type Schema = { _zod: { def: { type: string; [k: string]: unknown } }; safeParse(v: unknown): { success: boolean } };
/** A procedure's input: a zod schema, or the parser inputOf() wraps around one (server/kernel/validate.ts). */
type Input = Schema | { schema: Schema };
const zodOf = (input: Input): Schema => ("_zod" in input ? input : input.schema);
function idFields(schema: Schema, path: string, out: [string, Schema][]) {
  const def = schema._zod.def;
  const inner = (k: string) => def[k] as Schema;
  switch (def.type) {
    case "object":
      for (const [k, v] of Object.entries(def.shape as Record<string, Schema>)) {
        const at = path ? `${path}.${k}` : k;
        if (/^id$|Id$/.test(k) && v.safeParse(1).success) out.push([at, v]);
        idFields(v, at, out);
      }
      break;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
    case "catch":
      idFields(inner("innerType"), path, out);
      break;
    case "array":
      idFields(inner("element"), `${path}[]`, out);
      break;
    case "pipe":
      idFields(inner("in"), path, out);
      break;
    case "union":
      for (const o of def.options as Schema[]) idFields(o, path, out);
      break;
  }
}

describe("every procedure's id fields", () => {
  it("refuse an id beyond 2^31−1", async () => {
    const { appRouter } = await import("./root");
    const procs = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { inputs: Input[] } }>);
    const found: string[] = [];
    for (const [name, proc] of procs) {
      for (const input of proc._def.inputs) {
        const fields: [string, Schema][] = [];
        idFields(zodOf(input), "", fields);
        for (const [at, field] of fields) {
          found.push(`${name}:${at}`);
          expect(field.safeParse(2_147_483_648).success, `${name} ${at}`).toBe(false);
        }
      }
    }
    expect(found).toContain("instruments.get:id");
    expect(found).toContain("campaigns.generate:id"); // an input through inputOf()
    expect(found.length).toBeGreaterThan(40);
  });
});
