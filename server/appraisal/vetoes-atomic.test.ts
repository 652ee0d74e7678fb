import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, queryValue } from "@/db/query";
import { freshSchool, type School } from "../test/fixtures";
import { recordExemption, recordVeto, revokeVeto } from "./vetoes";

// A veto or an exemption and its audit record are one fact: if the audit row cannot be
// written, the decision is not recorded either (HR sees an error and nothing changed), rather
// than a veto that changes a teacher's grade with no record of who decided it.
let db: Db;
let s: School;
const now = () => new Date("2026-11-02T02:00:00Z");
const YEAR = "2026-2027";

const openVetoes = () => queryValue(db, col.int, sql`select count(*)::int as n from appraisal_vetoes where revoked_at is null`);
const openExemptions = () => queryValue(db, col.int, sql`select count(*)::int as n from appraisal_exemptions where revoked_at is null`);

/** Makes the audit log refuse the next rows of these actions, as a full disk or a lost connection would. */
async function auditFails(prefix: string) {
  await db.execute(
    sql.raw(`create or replace function test_audit_fails() returns trigger language plpgsql as $$
      begin
        if new.action like '${prefix}%' then raise exception 'audit log unavailable'; end if;
        return new;
      end $$`),
  );
  await db.execute(sql`create trigger test_audit_fails before insert on audit_log for each row execute function test_audit_fails()`);
}

beforeAll(async () => {
  ({ db, s } = await freshSchool());
});
afterEach(async () => {
  await db.execute(sql`drop trigger if exists test_audit_fails on audit_log`);
});

describe("vetoes and exemptions are recorded together with their audit row", () => {
  const veto = {
    teacher: "T001",
    schoolYear: YEAR,
    code: "ethics_misconduct" as const,
    reason: "师德失范",
    decidedOn: "2026-10-01",
  };

  it("a veto whose audit row fails is not recorded", async () => {
    await auditFails("appraisal.veto.record");
    await expect(recordVeto(db, { id: s.people.hr.id }, now, veto)).rejects.toThrow();
    expect(await openVetoes()).toBe(0);
  });

  it("a revocation whose audit row fails leaves the veto in force", async () => {
    const v = await recordVeto(db, { id: s.people.hr.id }, now, veto);
    await auditFails("appraisal.veto.revoke");
    await expect(revokeVeto(db, { id: s.people.hr.id }, now, { id: v.id, reason: "复议撤销" })).rejects.toThrow();
    expect(await openVetoes()).toBe(1);
  });

  it("an exemption whose audit row fails is not recorded", async () => {
    await auditFails("appraisal.exemption");
    await expect(
      recordExemption(db, { id: s.people.hr.id }, now, { teacher: "T002", schoolYear: YEAR, kind: "maternity" }),
    ).rejects.toThrow();
    expect(await openExemptions()).toBe(0);
  });
});
