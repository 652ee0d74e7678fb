import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { tinyVersions } from "../campaigns/testing";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { createCaller } from "./root";
import { refusalOf } from "../test/errors";

// The campaigns router: who may see and act on which campaign, through the procedures.
let db: Db;
let s: School;
let ids: { a: number; b: number };
let v: Record<"student_evaluation" | "self_evaluation", number>;
const NOW = new Date("2026-12-20T08:00:00Z");
const as = async (p: { id: number }, locale: "zh" | "en" = "zh") =>
  createCaller({ db, user: await sessionOf(db, p), locale, now: () => NOW });

/** Resolves to the refusal's code and message (a TRPCError has both). */

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  v = await tinyVersions(db, ["student_evaluation", "self_evaluation"] as const, s.people.quality.id);
  const create = async (admin: { id: number }, scopeUnitId: number, name: string) =>
    (await as(admin)).campaigns.create({
      kind: "end_of_term",
      name,
      termId: s.term.id,
      scopeUnitId,
      opensAt: new Date("2026-12-25T00:00:00Z"),
      closesAt: new Date("2027-01-15T00:00:00Z"),
      instruments: [
        { raterGroup: "student", instrumentVersionId: v.student_evaluation },
        { raterGroup: "self", instrumentVersionId: v.self_evaluation },
      ],
    });
  ids = {
    a: (await create(s.people.adminA, s.unitA.id, "计算机学院评教")).id,
    b: (await create(s.people.adminB, s.unitB.id, "外国语学院评教")).id,
  };
  await (await as(s.people.adminB)).campaigns.generate({ id: ids.b });
});

describe("campaigns router", () => {
  it("a unit admin neither sees nor acts on another unit's campaign", async () => {
    const adminA = await as(s.people.adminA);
    expect((await adminA.campaigns.list()).map((c) => c.name)).toEqual(["计算机学院评教"]);
    const forbidden = { code: "FORBIDDEN", message: "不能为本单位以外的范围创建或管理评价活动（全校范围仅限质量监控中心）。" };
    const id = ids.b;
    expect(await refusalOf(adminA.campaigns.detail({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.generate({ id, options: { minEnrolment: 5 } }))).toEqual(forbidden);
    expect(
      await refusalOf(adminA.campaigns.planObservations({ id, options: { perSection: 1, quotaPerObserver: 1, groups: ["peer"] } })),
    ).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.observations({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.observationProgress({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.observationRecords({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.delete({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.open({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.keyProgress({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.close({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.settings({ id, settings: { reminderDays: [], observersNamedToTeacher: true } }))).toEqual(
      forbidden,
    );
    expect(
      await refusalOf(
        adminA.campaigns.setInstruments({ id, instruments: [{ raterGroup: "student", instrumentVersionId: v.student_evaluation }] }),
      ),
    ).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.sendInvitations({ id }))).toEqual(forbidden);
    expect(await refusalOf(adminA.campaigns.outbox({ id }))).toEqual(forbidden);
    expect((await refusalOf(adminA.campaigns.rates({ campaignId: id }))).code).toBe("FORBIDDEN");
    const en = await as(s.people.adminA, "en");
    expect((await refusalOf(en.campaigns.detail({ id }))).message).toMatch(/outside your unit/i);
    // Nothing changed: B's admin still sees its draft as generated.
    const d = await (await as(s.people.adminB)).campaigns.detail({ id });
    expect(d).toMatchObject({ manage: true, campaign: { state: "draft" }, summary: { targets: 1 } });
  });

  it("rates: not for students; the quality office sees every unit", async () => {
    const student = await as(s.people.studentA);
    expect((await refusalOf(student.campaigns.rates({ campaignId: ids.b }))).code).toBe("FORBIDDEN");
    expect((await refusalOf(student.campaigns.list())).code).toBe("FORBIDDEN");
    expect((await refusalOf(createCaller({ db }).campaigns.rates({ campaignId: ids.b }))).code).toBe("UNAUTHORIZED");
    const q = await as(s.people.quality);
    expect((await q.campaigns.rates({ campaignId: ids.b })).rows.map((r) => r.code)).toEqual(["B"]);
    expect((await q.campaigns.list()).map((c) => c.name).sort()).toEqual(["外国语学院评教", "计算机学院评教"]);
  });

  it("answers bad input in the user's language", async () => {
    const q = await as(s.people.quality);
    expect(await refusalOf(q.campaigns.settings({ id: ids.a, settings: { reminderDays: [99], observersNamedToTeacher: false } }))).toEqual({
      code: "BAD_REQUEST",
      message: "提醒时间须为结束前 0–60 天的整数天。",
    });
    expect((await refusalOf(q.campaigns.detail({ id: -1 }))).code).toBe("BAD_REQUEST");
    expect((await refusalOf(q.campaigns.open({ id: ids.a }))).code).toBe("CONFLICT"); // no targets yet
  });

  it("deletes a draft through the router, in the caller's language when refused", async () => {
    const adminA = await as(s.people.adminA);
    const extra = await adminA.campaigns.create({
      kind: "end_of_term",
      name: "要删除的草稿",
      termId: s.term.id,
      scopeUnitId: s.unitA.id,
      opensAt: new Date("2026-12-25T00:00:00Z"),
      closesAt: new Date("2027-01-15T00:00:00Z"),
      instruments: [{ raterGroup: "student", instrumentVersionId: v.student_evaluation }],
    });
    expect(await adminA.campaigns.delete({ id: extra.id })).toEqual({ id: extra.id });
    expect((await refusalOf(adminA.campaigns.detail({ id: extra.id }))).code).toBe("NOT_FOUND");
    // Teachers and students have no campaign pages: default deny before any domain code.
    expect((await refusalOf((await as(s.people.teacherA)).campaigns.reports({ id: ids.a }))).code).toBe("FORBIDDEN");
    expect((await refusalOf((await as(s.people.studentB)).campaigns.delete({ id: ids.a }))).code).toBe("FORBIDDEN");
  });
});
