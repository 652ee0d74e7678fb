import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { auditLog, persons, roleGrants } from "@/db/schema";
import { one } from "@/db/query";
import { createCaller } from "../api/root";
import { authenticate } from "../auth/users";
import { FIXTURE_PASSWORD, freshSchool, type School, sessionOf } from "../test/fixtures";
import { refusalOf } from "../test/errors";

// Sign-in attempts at a fixed instant: the throttle counts failures in a window before it.
const SIGN_IN_AT = new Date("2026-11-22T08:00:00Z");

// Revoking a role and deactivating a person through the app, as the person page calls them.
let db: Db;
let s: School;
const as = async (p: { id: number }, locale: "zh" | "en" = "zh") => createCaller({ db, user: await sessionOf(db, p), locale });

const rolesOf = async (id: number) =>
  (await db.select().from(roleGrants).where(eq(roleGrants.personId, id))).map((g) => `${g.role}@${g.unitId ?? "-"}`).sort();
const activeOf = async (id: number) => one(await db.select().from(persons).where(eq(persons.id, id))).active;

beforeAll(async () => {
  ({ db, s } = await freshSchool());
});

describe("revoking a role", () => {
  it("the quality office revokes one grant (role and unit), audited; the person's session loses it at once", async () => {
    const q = await as(s.people.quality);
    await q.people.revokeRole({ personId: s.people.teacherB.id, role: "supervisor", unitId: s.unitB.id });
    expect(await rolesOf(s.people.teacherB.id)).toEqual(["teacher@-"]);
    expect((await sessionOf(db, s.people.teacherB)).roles.map((g) => g.role)).toEqual(["teacher"]);
    const [a] = await db.select().from(auditLog).where(eq(auditLog.action, "person.role.revoke"));
    expect(a).toMatchObject({ actorId: s.people.quality.id, subject: `person ${s.people.teacherB.id}` });
    // Gone already: said so, nothing else changes.
    const again = await refusalOf(q.people.revokeRole({ personId: s.people.teacherB.id, role: "supervisor", unitId: s.unitB.id }));
    expect(again.code).toBe("NOT_FOUND");
    expect(again.message).toContain("督导");
  });

  it("the system administrator's role cannot be revoked, by anyone, in either language (the import's rule)", async () => {
    for (const who of [s.people.quality, s.people.sysAdmin]) {
      const r = await refusalOf((await as(who)).people.revokeRole({ personId: s.people.sysAdmin.id, role: "sys_admin", unitId: null }));
      expect(r.code).toBe("FORBIDDEN");
      expect(r.message).toContain("“系统管理员”角色不能在系统内授予");
    }
    const en = await refusalOf(
      (await as(s.people.quality, "en")).people.revokeRole({ personId: s.people.sysAdmin.id, role: "sys_admin", unitId: null }),
    );
    expect(en.message).toContain("cannot be granted in the app");
    expect(await rolesOf(s.people.sysAdmin.id)).toEqual(["sys_admin@-"]);
  });

  it("HR, unit admins, teachers and students cannot revoke or deactivate", async () => {
    for (const who of [s.people.hr, s.people.adminA, s.people.teacherA, s.people.studentA]) {
      const c = await as(who);
      expect((await refusalOf(c.people.revokeRole({ personId: s.people.studentB.id, role: "info_officer", unitId: null }))).code).toBe(
        "FORBIDDEN",
      );
      expect((await refusalOf(c.people.setActive({ personId: s.people.studentB.id, active: false }))).code).toBe("FORBIDDEN");
    }
    expect(await rolesOf(s.people.studentB.id)).toEqual(["info_officer@-", "student@-"]);
    expect(await activeOf(s.people.studentB.id)).toBe(true);
  });
});

describe("deactivating a person", () => {
  it("the quality office deactivates and reactivates; a deactivated person cannot sign in; both audited", async () => {
    const q = await as(s.people.quality);
    await q.people.setActive({ personId: s.people.teacherA.id, active: false });
    expect(await activeOf(s.people.teacherA.id)).toBe(false);
    const signIn = await authenticate(db, { number: "T001", password: FIXTURE_PASSWORD, ip: null }, SIGN_IN_AT, {
      maxFailures: 5,
      lockMinutes: 15,
    });
    expect(signIn.ok).toBe(false);
    await q.people.setActive({ personId: s.people.teacherA.id, active: true });
    expect(await activeOf(s.people.teacherA.id)).toBe(true);
    const actions = (
      await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subject, `person ${s.people.teacherA.id}`)))
    )
      .map((a) => a.action)
      .filter((a) => a.startsWith("person.") && a !== "person.view");
    expect(actions).toEqual(["person.deactivate", "person.activate"]);
  });

  it("nobody deactivates the system administrator, nor themselves", async () => {
    const r = await refusalOf((await as(s.people.quality)).people.setActive({ personId: s.people.sysAdmin.id, active: false }));
    expect(r.code).toBe("FORBIDDEN");
    expect(r.message).toContain("系统管理员");
    expect(await activeOf(s.people.sysAdmin.id)).toBe(true);
    const self = await refusalOf((await as(s.people.quality)).people.setActive({ personId: s.people.quality.id, active: false }));
    expect(self.message).toBe("不能停用自己的账号。");
    expect(await activeOf(s.people.quality.id)).toBe(true);
  });
});
