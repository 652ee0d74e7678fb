import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import type { Db } from "@/db/client";
import { attainmentRuns, auditLog, outcomeModels } from "@/db/schema";
import { createCaller } from "../api/root";
import type { SessionUser } from "../auth/users";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { computeAttainment } from "./compute";
import { checkModel, currentModel, getModelVersion, outcomeModelSchema, type OutcomeModel } from "./model";
import { EXAMPLE, PARAMS } from "./testing";

// The model editor: a programme's outcome model written in the app, through the lifecycle of
// every versioned thing (a save is the next version, a draft; approval checks the model).
let db: Db;
let s: School;
let lead: SessionUser; // the programme lead works as the college's unit admin (programme 080902 is college A's)
let quality: SessionUser;
let otherCollege: SessionUser;
let teacher: SessionUser;
const NOW = new Date("2027-01-20T08:00:00Z");
const call = (user: SessionUser, locale: "zh" | "en" = "zh") => createCaller({ db, user, locale, now: () => NOW });

// The hand-worked programme of testing.ts as a model: R1 (1.1, 1.2), R2 (2.1), two courses' objectives.
const MODEL: OutcomeModel = outcomeModelSchema.parse({
  trainingObjectives: [{ code: "PO1", title: "胜任软件开发" }],
  requirements: EXAMPLE.requirements,
  courseObjectives: [
    { course: "C1", code: "CO1", title: "需求分析" },
    { course: "C1", code: "CO2" },
    { course: "C2", code: "CO1" },
  ],
  support: EXAMPLE.support,
  requirementObjectives: [
    { requirement: "R1", objective: "PO1" },
    { requirement: "R2", objective: "PO1" },
  ],
});

const modelCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(outcomeModels))[0]?.n;

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  lead = await sessionOf(db, s.people.adminA);
  quality = await sessionOf(db, s.people.quality);
  otherCollege = await sessionOf(db, s.people.adminB);
  teacher = await sessionOf(db, s.people.teacherA);
});

describe("the outcome model editor", () => {
  it("the attainment home lists the programmes in scope without a model too: an editor gets the way to write one", async () => {
    const lead0 = await call(lead).attainment.overview();
    expect(lead0.programmes.map((p) => [p.code, p.versions, p.approved, p.canEdit])).toEqual([[s.progA.code, [], false, true]]);
    // the quality office sees every programme and may write each model; a teacher sees none
    const q0 = await call(quality).attainment.overview();
    expect(q0.programmes.map((p) => [p.code, p.canEdit])).toEqual(
      [
        [s.progA.code, true],
        [s.progB.code, true],
      ].sort(),
    );
    expect((await call(teacher).attainment.overview()).programmes).toEqual([]);
  });

  it("writes a programme's first model as a draft, which the quality office approves", async () => {
    const opened = await call(lead).attainment.modelEditor({ programmeId: s.progA.id });
    expect(opened.working).toBeNull();
    const made = await call(lead).attainment.saveModel({ programmeId: s.progA.id, baseId: null, cohorts: [2024, 2023], model: MODEL });
    expect(made).toMatchObject({ status: "created", version: 1, replaced: null });
    const v1 = await getModelVersion(db, made.id);
    expect(v1).toMatchObject({ status: "draft", cohorts: [2023, 2024] });
    expect(v1.model.courseObjectives[0]).toEqual({ course: "C1", code: "CO1", title: "需求分析" });
    const editor = await call(lead).attainment.modelEditor({ programmeId: s.progA.id });
    expect(editor.working).toMatchObject({ id: made.id, status: "draft", hasResults: false, problems: [] });
    // the programme lead edits; the quality office approves (the roles of the import and approval)
    await expect(call(lead).attainment.approveModel({ modelId: made.id, note: "通过" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await call(quality).attainment.approveModel({ modelId: made.id, note: "专业负责人提交，审核通过" });
    expect((await currentModel(db, s.progA.id))?.id).toBe(made.id);
  });

  it("an edit after results were computed is a new draft; approval lists every problem in zh/en; old results keep their version", async () => {
    const v1 = await currentModel(db, s.progA.id);
    if (!v1) throw new Error("v1 approved by the test above");
    const [run] = await db
      .insert(attainmentRuns)
      .values({ modelId: v1.id, schoolYear: "2026-2027", params: PARAMS, result: computeAttainment(EXAMPLE, PARAMS), computedAt: NOW })
      .returning({ id: attainmentRuns.id });
    expect((await call(lead).attainment.modelEditor({ programmeId: s.progA.id })).working?.hasResults).toBe(true);

    // The lead adds point 1.3 to R1, with nothing supporting it yet, and a requirement R3 with no point.
    const added: OutcomeModel = {
      ...v1.model,
      requirements: [
        ...v1.model.requirements.map((r) => (r.code === "R1" ? { ...r, points: [...r.points, { code: "1.3", title: "新指标点" }] } : r)),
        { code: "R3", title: "", points: [] },
      ],
    };
    const v2 = await call(lead).attainment.saveModel({ programmeId: s.progA.id, baseId: v1.id, cohorts: v1.cohorts, model: added });
    expect(v2).toMatchObject({ status: "created", version: 2, replaced: null });
    // v1 stays approved and in force, its run keeps it
    expect(await getModelVersion(db, v1.id)).toMatchObject({ status: "approved" });
    expect((await currentModel(db, s.progA.id))?.id).toBe(v1.id);
    const editor = await call(lead).attainment.modelEditor({ programmeId: s.progA.id });
    expect(editor.working).toMatchObject({ id: v2.id, version: 2, status: "draft", hasResults: false });
    expect(editor.working?.problems.map((p) => p.message)).toEqual([
      "成果模型：毕业要求“R3”没有指标点。",
      "成果模型：指标点“1.3”没有任何课程目标支撑。",
    ]);
    expect(editor.versions.map((v) => [v.version, v.status, v.runs])).toEqual([
      [2, "draft", 0],
      [1, "approved", 1],
    ]);

    // approval refused with every problem, in the caller's language; nothing recorded
    await expect(call(quality).attainment.approveModel({ modelId: v2.id, note: "通过" })).rejects.toMatchObject({
      message: "第 2 版成果模型有 2 处问题，不能审核通过：",
      cause: {
        details: [
          match.objectContaining({ code: "attainment.check.requirementWithoutPoints", params: { requirement: "R3" } }),
          match.objectContaining({ code: "attainment.check.unsupportedPoint", message: "成果模型：指标点“1.3”没有任何课程目标支撑。" }),
        ],
      },
    });
    await expect(call(quality, "en").attainment.approveModel({ modelId: v2.id, note: "ok" })).rejects.toMatchObject({
      message: "Version 2 of the outcome model has 2 problem(s) and cannot be approved:",
      cause: { details: match.arrayContaining([match.objectContaining({ message: match.stringContaining('"1.3"') })]) },
    });
    expect(await getModelVersion(db, v2.id)).toMatchObject({ status: "draft" });
    // a draft computes nothing: attainment (and the orders its shortfalls raise) comes from approved models only
    await expect(call(lead).attainment.compute({ modelId: v2.id, schoolYear: "2026-2027" })).rejects.toMatchObject({
      message: "第 2 版成果模型尚未审核通过（草稿），不能用于计算达成度。",
    });
    await expect(call(lead, "en").attainment.compute({ modelId: v2.id, schoolYear: "2026-2027" })).rejects.toMatchObject({
      message: "Version 2 of the outcome model is not approved (draft) and cannot be used to compute attainment.",
    });
    expect(await db.select().from(attainmentRuns).where(eq(attainmentRuns.modelId, v2.id))).toEqual([]);
    const approvals = await db.select().from(auditLog).where(eq(auditLog.action, "attainment.model.approve"));
    expect(approvals).toHaveLength(1); // v1's only

    // The lead adds the support and drops R3: v3, and v2 (the draft it replaces) is withdrawn.
    const fixed: OutcomeModel = {
      ...added,
      requirements: added.requirements.filter((r) => r.code !== "R3"),
      support: [...added.support, { course: "C2", objective: "CO1", point: "1.3", strength: "M" }],
    };
    const v3 = await call(lead).attainment.saveModel({ programmeId: s.progA.id, baseId: v2.id, cohorts: v1.cohorts, model: fixed });
    expect(v3).toMatchObject({ status: "created", version: 3, replaced: 2 });
    expect(await getModelVersion(db, v2.id)).toMatchObject({ status: "retired" });
    expect((await call(lead).attainment.modelEditor({ programmeId: s.progA.id })).working).toMatchObject({ id: v3.id, problems: [] });
    await call(quality).attainment.approveModel({ modelId: v3.id, note: "补充支撑后通过" });
    expect((await currentModel(db, s.progA.id))?.id).toBe(v3.id);
    // the results computed under v1 keep v1
    const [kept] = await db
      .select({ modelId: attainmentRuns.modelId })
      .from(attainmentRuns)
      .where(eq(attainmentRuns.id, run?.id ?? 0));
    expect(kept?.modelId).toBe(v1.id);
    expect(await getModelVersion(db, v1.id)).toMatchObject({ status: "approved" });

    // the same model again is unchanged: no version, nothing retired
    const again = await call(lead).attainment.saveModel({ programmeId: s.progA.id, baseId: v3.id, cohorts: v1.cohorts, model: fixed });
    expect(again).toMatchObject({ status: "unchanged", id: v3.id, replaced: null });
  });

  it("refuses bad input with every problem and changes nothing", async () => {
    const working = (await call(lead).attainment.modelEditor({ programmeId: s.progA.id })).working;
    if (!working) throw new Error("a working version");
    const before = await modelCount();
    const save = (model: unknown, baseId: number | null = working.id) =>
      call(lead).attainment.saveModel({ programmeId: s.progA.id, baseId, cohorts: working.cohorts, model } as never);
    // a strength other than H/M/L, a threshold outside (0, 1]: the schema (the router's zod)
    await expect(save({ ...working.model, support: [{ ...working.model.support[0], strength: "X" }] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(save({ ...working.model, threshold: 1.5 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(save({ ...working.model, strengthValues: { H: 3, M: 0, L: 1 } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // an incoherent model: a point twice, a link to an objective not listed, a matrix naming an unknown objective
    await expect(
      save({
        ...working.model,
        requirements: [...working.model.requirements, { code: "R9", points: [{ code: "1.1" }] }],
        support: [...working.model.support, { course: "C9", objective: "CO7", point: "2.1", strength: "H" }],
        requirementObjectives: [{ requirement: "R1", objective: "PO9" }],
      }),
    ).rejects.toMatchObject({
      message: "成果模型有 3 处问题，未保存。",
      cause: {
        details: [
          match.objectContaining({ code: "attainment.check.duplicateCode", message: "成果模型：“1.1”在模型中重复。" }),
          match.objectContaining({ code: "attainment.check.unknownObjective", params: { value: "CO7", course: "C9" } }),
          match.objectContaining({ code: "attainment.check.unknownTrainingObjective", params: { value: "PO9" } }),
        ],
      },
    });
    // an edit of a version that is no longer the working one
    await expect(save({ ...working.model, threshold: 0.8 }, working.id - 1)).rejects.toMatchObject({
      code: "CONFLICT",
      message: `成果模型已有更新的版本（第 ${working.version} 版），请在最新版本上修改。`,
    });
    await expect(save({ ...working.model, threshold: 0.8 }, null)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await modelCount()).toBe(before);
  });

  it("is closed to a teacher and to another college's admin; the edit roles are the import's", async () => {
    const input = { programmeId: s.progA.id };
    await expect(call(teacher).attainment.modelEditor(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(call(otherCollege).attainment.modelEditor(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const working = (await call(quality).attainment.modelEditor(input)).working;
    if (!working) throw new Error("a working version");
    const edit = { programmeId: s.progA.id, baseId: working.id, cohorts: working.cohorts, model: { ...working.model, threshold: 0.8 } };
    await expect(call(teacher).attainment.saveModel(edit)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(call(otherCollege).attainment.saveModel(edit)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // the other college's admin edits their own programme's model
    expect(
      await call(otherCollege).attainment.saveModel({ programmeId: s.progB.id, baseId: null, cohorts: [], model: MODEL }),
    ).toMatchObject({
      status: "created",
      version: 1,
    });
    // the quality office edits any programme's
    expect(await call(quality).attainment.saveModel(edit)).toMatchObject({ status: "created", version: working.version + 1 });
  });
});

describe("checkModel", () => {
  it("lists a model without requirements, a requirement without points and every unsupported point", () => {
    expect(checkModel({ ...MODEL, requirements: [], support: [], requirementObjectives: [] }).map((i) => i.code)).toEqual([
      "attainment.check.noRequirements",
    ]);
    const m = { ...MODEL, support: MODEL.support.filter((l) => l.point !== "1.2") };
    expect(checkModel(m).map((i) => i.params)).toEqual([{ point: "1.2" }]);
  });
});
