import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { createCaller } from "../api/root";
import type { SessionUser } from "../auth/users";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { outcomeModelSchema } from "./model";
import { EXAMPLE } from "./testing";

// The programme report offers to (re)compute a year only to those the compute procedure lets
// do it: the quality office and the programme's unit admins. The system administrator and
// other units' admins read the report and are not shown a button that is refused.
let db: Db;
let s: School;
const NOW = new Date("2027-01-20T08:00:00Z");
const call = (user: SessionUser) => createCaller({ db, user, locale: "zh", now: () => NOW });

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  const lead = await sessionOf(db, s.people.adminA);
  const quality = await sessionOf(db, s.people.quality);
  const model = outcomeModelSchema.parse({
    requirements: EXAMPLE.requirements,
    courseObjectives: [
      { course: "C1", code: "CO1" },
      { course: "C1", code: "CO2" },
      { course: "C2", code: "CO1" },
    ],
    support: EXAMPLE.support,
  });
  const made = await call(lead).attainment.saveModel({ programmeId: s.progA.id, baseId: null, cohorts: [2023], model });
  await call(quality).attainment.approveModel({ modelId: made.id, note: "通过" });
});

describe("the programme report's compute action", () => {
  it("is offered exactly to those whom attainment.compute accepts", async () => {
    const who = {
      quality: await sessionOf(db, s.people.quality),
      lead: await sessionOf(db, s.people.adminA),
      sysAdmin: await sessionOf(db, s.people.sysAdmin),
    };
    const offered = async (u: SessionUser) => (await call(u).attainment.programme({ programmeId: s.progA.id })).canCompute;
    expect(await offered(who.quality)).toBe(true);
    expect(await offered(who.lead)).toBe(true);
    expect(await offered(who.sysAdmin)).toBe(false);
    const report = await call(who.sysAdmin).attainment.programme({ programmeId: s.progA.id });
    await expect(call(who.sysAdmin).attainment.compute({ modelId: report.model.id, schoolYear: "2026-2027" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
