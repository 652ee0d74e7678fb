import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { auditLog, instrumentVersions, instruments } from "@/db/schema";
import { createCaller } from "../api/root";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { checkInstrument } from "./check";
import { validateAnswers } from "./validate";
import { importLibrary } from "./library";
import {
  approveVersion,
  checkUpload,
  createVersion,
  diffVersion,
  getInstrument,
  getVersion,
  instrumentHash,
  listInstruments,
  planOfVersion,
  requireApprovedVersion,
  retireVersion,
} from "./versions";
import { expectDomainError, refusalOf } from "../test/errors";
import { one } from "@/db/query";
import { at } from "@/server/shared/indexed";

const bi = (zh: string, en: string) => ({ default: zh, en });
const agree = [
  { value: 5, text: bi("非常同意", "Strongly agree") },
  { value: 3, text: bi("一般", "Neutral") },
  { value: 1, text: bi("不同意", "Disagree") },
  { value: "na", text: bi("无法评价", "Cannot say") },
];

/** A small valid instrument file; `patch` edits a deep copy. */
function sampleFile(patch: (f: ReturnType<typeof base>) => void = () => {}) {
  const f = base();
  patch(f);
  return f;
}
function base() {
  return {
    key: "test_eval",
    kind: "student_evaluation" as string,
    name: { zh: "测试评教表", en: "Test evaluation" },
    indicators: [
      {
        id: "I1",
        name: { zh: "教学态度", en: "Attitude" },
        weight: 0.4,
        children: [{ id: "I1.1", name: { zh: "备课", en: "Preparation" }, weight: 1 }],
      },
      { id: "I2", name: { zh: "教学效果", en: "Effect" }, weight: 0.6 },
    ],
    items: [
      { question: "q1", indicator: "I1.1", weight: 1 },
      { question: "q2", indicator: "I2", weight: 0.5 },
      { question: "q3", indicator: "I2", weight: 0.5 },
    ] as { question: string; indicator: string; weight: number; row?: string }[],
    unscored: [] as string[],
    survey: {
      title: bi("课堂教学评价", "Teaching evaluation"),
      pages: [
        {
          name: "p1",
          elements: [
            {
              type: "radiogroup",
              name: "q1",
              title: bi("教师备课充分", "The teacher was well prepared"),
              isRequired: true,
              choices: structuredClone(agree),
            },
            {
              type: "radiogroup",
              name: "q2",
              title: bi("讲解清楚", "Explanations were clear"),
              isRequired: true,
              choices: structuredClone(agree),
            },
            { type: "radiogroup", name: "q3", title: bi("收获很大", "I learned a lot"), choices: structuredClone(agree) },
            { type: "comment", name: "c1", title: bi("意见和建议", "Comments") },
          ] as Record<string, unknown>[],
        },
      ],
    },
  };
}

let db: Db;
let s: School;
beforeEach(async () => {
  ({ db, s } = await freshSchool());
});

const count = async () => (await db.select().from(instrumentVersions)).length;

describe("createVersion", () => {
  it("the sample file passes the checker", () => {
    const r = checkInstrument(sampleFile());
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it("an upload creates v1 as a draft; the same file again is unchanged and stores nothing", async () => {
    const r = await createVersion(db, sampleFile(), s.people.quality.id);
    expect(r).toMatchObject({ status: "created", version: 1, key: "test_eval" });
    const v = await getVersion(db, r.versionId);
    expect(v).toMatchObject({ status: "draft", version: 1, createdByName: s.people.quality.name, approvedAt: null, previous: null });
    expect(v.file.survey).toEqual(sampleFile().survey);
    // Stored as json: the file keeps its order of keys (the checker's order at the top).
    expect(Object.keys(v.file)).toEqual(["key", "kind", "name", "indicators", "items", "unscored", "survey"]);
    expect(Object.keys(at(at((v.file.survey as { pages: { elements: object[] }[] }).pages, 0).elements, 0))).toEqual([
      "type",
      "name",
      "title",
      "isRequired",
      "choices",
    ]);
    expect(v.hash).toMatch(/^[0-9a-f]{64}$/);
    const row = one(await db.select().from(instrumentVersions).where(eq(instrumentVersions.id, r.versionId)));
    expect(row.indicators).toEqual({ indicators: sampleFile().indicators, items: sampleFile().items, unscored: [] });

    // Same content with keys in another order: unchanged.
    const shuffled = Object.fromEntries(Object.entries(sampleFile()).reverse());
    const again = await createVersion(db, shuffled, s.people.sysAdmin.id);
    expect(again).toEqual({ ...r, status: "unchanged" });
    expect(await count()).toBe(1);

    const r2 = await createVersion(
      db,
      sampleFile((f) => {
        at(at(f.survey.pages, 0).elements, 0).title = bi("教师备课非常充分", "Very well prepared");
      }),
      s.people.quality.id,
    );
    expect(r2).toMatchObject({ status: "created", version: 2 });
    expect((await getVersion(db, r2.versionId)).previous).toEqual({ id: r.versionId, version: 1 });
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, "instrument.version.create"));
    expect(audit).toHaveLength(2);
  });

  it("compiles a stored version's plan and checks answers with it, through the preview procedure too", async () => {
    const { versionId } = await createVersion(db, sampleFile(), s.people.quality.id);
    const plan = await planOfVersion(db, versionId);
    expect(validateAnswers(plan, { q1: 5, q2: 3 }, "zh").ok).toBe(true);
    const bad = validateAnswers(plan, { q1: 9, q2: 3 }, "zh");
    expect(bad.ok).toBe(false);
    const api = createCaller({ db, user: await sessionOf(db, s.people.quality), locale: "en" });
    const verdict = await api.respond.checkPreview({ versionId, answers: { q1: 9 } });
    expect(verdict.ok).toBe(false);
    expect(verdict.errors.map((e) => [e.question, e.code]).sort()).toEqual([
      ["q1", "not_allowed"],
      ["q2", "required"],
    ]);
    await expect(planOfVersion(db, 999999)).rejects.toMatchObject({ kind: "NOT_FOUND" });
  });

  it("the hash ignores key order but not content", () => {
    const a = sampleFile() as never;
    expect(instrumentHash(a)).toBe(instrumentHash(Object.fromEntries(Object.entries(sampleFile()).reverse()) as never));
    expect(instrumentHash(a)).not.toBe(
      instrumentHash(
        sampleFile((f) => {
          at(f.items, 1).weight = 0.4;
          at(f.items, 2).weight = 0.6;
        }) as never,
      ),
    );
  });

  it.each([
    [
      "weights not summing to 1",
      (f: ReturnType<typeof base>) => {
        at(f.indicators, 0).weight = 0.5;
      },
      "indicators",
      /0\.5|1\.1/,
    ],
    [
      "a missing translation",
      (f: ReturnType<typeof base>) => {
        at(at(f.survey.pages, 0).elements, 1).title = { default: "讲解清楚" };
      },
      "survey.pages[0].elements[1].title.en",
      /英文/,
    ],
    [
      "an unknown SurveyJS type (jsonErrors)",
      (f: ReturnType<typeof base>) => {
        at(at(f.survey.pages, 0).elements, 3).type = "commentx";
      },
      "survey.pages[0].elements[3].type",
      /commentx/,
    ],
    [
      "an item for a missing question",
      (f: ReturnType<typeof base>) => {
        at(f.items, 0).question = "q9";
      },
      "items[0].question",
      /q9/,
    ],
    [
      "a feature the server cannot validate (triggers)",
      (f: ReturnType<typeof base>) => {
        (f.survey as Record<string, unknown>).triggers = [{ type: "setvalue", expression: "{q1} = 5", setToName: "c1", setValue: "好" }];
      },
      "survey",
      /triggers/,
    ],
  ])("a file with %s is refused with its problems, and nothing is stored", async (_, patch, path, text) => {
    const err = await expectDomainError(createVersion(db, sampleFile(patch), s.people.quality.id), {
      kind: "BAD_REQUEST",
      code: "instruments.errors.invalidFile",
    });
    const problems = err.details as { path: string; message: string }[];
    expect(problems.length).toBeGreaterThan(0);
    const p = problems.find((x) => x.path === path);
    expect(p, JSON.stringify(problems)).toBeDefined();
    expect(p?.message).toMatch(text);
    expect(await count()).toBe(0);
    expect(await db.select().from(instruments)).toHaveLength(0);
  });

  it("problems are described in the caller's language", async () => {
    const bad = sampleFile((f) => {
      at(f.indicators, 0).weight = 0.5;
    });
    const details = async (locale: "zh" | "en") =>
      (await expectDomainError(createVersion(db, bad, null, locale), { code: "instruments.errors.invalidFile" })).details as {
        message: string;
      }[];
    expect((await details("zh"))[0]?.message).toMatch(/权重/);
    expect((await details("en"))[0]?.message).toMatch(/weights/);
    // Through tRPC: the message is translated and the details carry the problems.
    const api = createCaller({ db, user: await sessionOf(db, s.people.quality), locale: "en" });
    const err = await refusalOf(api.instruments.upload({ file: bad }));
    expect(err.message).toMatch(/problem/);
    expect(err.code).toBe("BAD_REQUEST");
  });

  it("refuses a file whose kind differs from the instrument with the same key", async () => {
    await createVersion(db, sampleFile(), s.people.quality.id);
    await expectDomainError(
      createVersion(
        db,
        sampleFile((f) => {
          f.kind = "peer_evaluation";
          f.name.zh = "改名";
        }),
        s.people.quality.id,
      ),
      { kind: "CONFLICT", code: "instruments.errors.kindMismatch" },
    );
    expect(await count()).toBe(1);
    const check = await checkUpload(
      db,
      sampleFile((f) => {
        f.kind = "peer_evaluation";
      }),
      "zh",
    );
    expect(check.ok).toBe(false);
    expect(check.problems[0]?.path).toBe("kind");
  });

  it("checkUpload reports problems, or the version an identical file equals", async () => {
    expect(await checkUpload(db, sampleFile(), "zh")).toEqual({ ok: true, problems: [], sameAs: null });
    const r = await createVersion(db, sampleFile(), s.people.quality.id);
    expect(await checkUpload(db, sampleFile(), "zh")).toEqual({ ok: true, problems: [], sameAs: { id: r.versionId, version: 1 } });
    const bad = await checkUpload(db, { key: "x" }, "en");
    expect(bad.ok).toBe(false);
    expect(bad.problems.length).toBeGreaterThan(0);
  });

  it("a version's content can never be updated (database trigger)", async () => {
    const r = await createVersion(db, sampleFile(), s.people.quality.id);
    await expect(
      db
        .update(instrumentVersions)
        .set({ definition: { changed: true } })
        .where(eq(instrumentVersions.id, r.versionId)),
    ).rejects.toThrow();
    await expect(db.update(instrumentVersions).set({ version: 7 }).where(eq(instrumentVersions.id, r.versionId))).rejects.toThrow();
    expect((await getVersion(db, r.versionId)).file.key).toBe("test_eval");
  });
});

describe("approval", () => {
  it("records who, when and the note, once", async () => {
    const r = await createVersion(db, sampleFile(), s.people.quality.id);
    const when = new Date("2026-06-20T09:30:00Z");
    await approveVersion(db, r.versionId, s.people.quality.id, "  经教学指导委员会审议通过  ", when);
    const v = await getVersion(db, r.versionId);
    expect(v).toMatchObject({ status: "approved", approvedByName: s.people.quality.name, approvalNote: "经教学指导委员会审议通过" });
    expect(v.approvedAt).toEqual(when);
    await expect(approveVersion(db, r.versionId, s.people.quality.id, "again")).rejects.toMatchObject({
      kind: "CONFLICT",
      code: "instruments.errors.alreadyApproved",
    });
    // The database refuses a second approval too.
    await expect(
      db.update(instrumentVersions).set({ approvalNote: "changed" }).where(eq(instrumentVersions.id, r.versionId)),
    ).rejects.toThrow();
    expect((await getVersion(db, r.versionId)).approvalNote).toBe("经教学指导委员会审议通过");
  });

  it("requires a note of 1–2000 characters", async () => {
    const r = await createVersion(db, sampleFile(), s.people.quality.id);
    await expect(approveVersion(db, r.versionId, s.people.quality.id, "   ")).rejects.toMatchObject({
      code: "instruments.errors.noteRequired",
    });
    await expect(approveVersion(db, r.versionId, s.people.quality.id, "x".repeat(2001))).rejects.toMatchObject({
      code: "instruments.errors.noteRequired",
    });
    expect((await getVersion(db, r.versionId)).status).toBe("draft");
  });

  it("refuses a draft older than an approved version; earlier approved versions stay approved", async () => {
    const v1 = await createVersion(db, sampleFile(), s.people.quality.id);
    const v2 = await createVersion(
      db,
      sampleFile((f) => {
        f.name.zh = "测试评教表二";
      }),
      s.people.quality.id,
    );
    const v3 = await createVersion(
      db,
      sampleFile((f) => {
        f.name.zh = "测试评教表三";
      }),
      s.people.quality.id,
    );
    await approveVersion(db, v1.versionId, s.people.quality.id, "v1 ok");
    await approveVersion(db, v3.versionId, s.people.quality.id, "v3 ok");
    await expect(approveVersion(db, v2.versionId, s.people.quality.id, "late")).rejects.toMatchObject({
      code: "instruments.errors.newerApproved",
      params: { version: 2, newer: 3 },
    });
    const inst = await getInstrument(db, v1.instrumentId);
    expect(inst.versions.map((v) => [v.version, v.status])).toEqual([
      [3, "approved"],
      [2, "draft"],
      [1, "approved"],
    ]);
    expect(inst.currentApprovedId).toBe(v3.versionId);
    expect(inst.name).toBe("测试评教表三");
    const [listed] = await listInstruments(db);
    expect(listed).toMatchObject({ versionCount: 3, latest: { version: 3, status: "approved" }, approved: { version: 3 } });
  });

  it("requireApprovedVersion refuses drafts, retired and missing versions", async () => {
    const r = await createVersion(db, sampleFile(), s.people.quality.id);
    await expect(requireApprovedVersion(db, r.versionId)).rejects.toMatchObject({
      kind: "BAD_REQUEST",
      code: "instruments.errors.notApproved",
    });
    await expect(requireApprovedVersion(db, 999999)).rejects.toMatchObject({ kind: "NOT_FOUND" });
    await approveVersion(db, r.versionId, s.people.quality.id, "ok");
    const ok = await requireApprovedVersion(db, r.versionId);
    expect(ok).toMatchObject({ id: r.versionId, version: 1 });
    expect(ok.file.key).toBe("test_eval");
    await retireVersion(db, r.versionId, s.people.quality.id);
    await expect(requireApprovedVersion(db, r.versionId)).rejects.toMatchObject({
      code: "instruments.errors.notApproved",
      params: { status: "retired" },
    });
  });

  it("retires an approved version or withdraws a draft, for good", async () => {
    const v1 = await createVersion(db, sampleFile(), s.people.quality.id);
    const v2 = await createVersion(
      db,
      sampleFile((f) => {
        f.name.en = "Second";
      }),
      s.people.quality.id,
    );
    await approveVersion(db, v1.versionId, s.people.quality.id, "ok");
    await retireVersion(db, v1.versionId, s.people.quality.id);
    await retireVersion(db, v2.versionId, s.people.quality.id);
    const a = await getVersion(db, v1.versionId);
    expect(a).toMatchObject({ status: "retired", retiredByName: s.people.quality.name, approvalNote: "ok" });
    expect(a.approvedAt).not.toBeNull();
    await expect(retireVersion(db, v1.versionId, s.people.quality.id)).rejects.toMatchObject({ code: "instruments.errors.alreadyRetired" });
    await expect(approveVersion(db, v2.versionId, s.people.quality.id, "late")).rejects.toMatchObject({
      code: "instruments.errors.alreadyRetired",
    });
    await expect(db.update(instrumentVersions).set({ status: "draft" }).where(eq(instrumentVersions.id, v2.versionId))).rejects.toThrow();
  });
});

describe("diffVersion", () => {
  it("compares with the previous version by default, or with the one asked for", async () => {
    const v1 = await createVersion(db, sampleFile(), s.people.quality.id);
    const v2 = await createVersion(
      db,
      sampleFile((f) => {
        at(f.items, 1).weight = 0.3;
        at(f.items, 2).weight = 0.7;
      }),
      s.people.quality.id,
    );
    const v3 = await createVersion(
      db,
      sampleFile((f) => {
        at(f.items, 1).weight = 0.3;
        at(f.items, 2).weight = 0.7;
        at(at(f.survey.pages, 0).elements, 2).isRequired = true;
      }),
      s.people.quality.id,
    );
    expect(await diffVersion(db, v1.versionId)).toEqual({ base: null, target: { id: v1.versionId, version: 1 }, diff: null });
    const d3 = await diffVersion(db, v3.versionId);
    expect(d3.base).toEqual({ id: v2.versionId, version: 2 });
    expect(d3.diff?.changes).toEqual([
      expect.objectContaining({ op: "changed", entity: "question", key: "q3", field: "isRequired", before: null, after: true }),
    ]);
    const d31 = await diffVersion(db, v3.versionId, v1.versionId);
    expect(d31.diff?.counts).toEqual({ added: 0, removed: 0, changed: 3 });
    const other = await createVersion(
      db,
      sampleFile((f) => {
        f.key = "other_eval";
      }),
      s.people.quality.id,
    );
    await expect(diffVersion(db, v3.versionId, other.versionId)).rejects.toMatchObject({ kind: "NOT_FOUND" });
  });
});

describe("importLibrary", () => {
  it("imports files as versions, approves them when asked, and is idempotent", async () => {
    const files = [
      sampleFile(),
      sampleFile((f) => {
        f.key = "peer_test";
        f.kind = "peer_evaluation";
      }),
    ];
    const first = await importLibrary(db, files, { approvedBy: s.people.quality.id, note: "示范数据：视同专家组审议通过" });
    expect(first.map((r) => [r.key, r.status, r.version, r.approved])).toEqual([
      ["test_eval", "created", 1, true],
      ["peer_test", "created", 1, true],
    ]);
    const again = await importLibrary(db, files, { approvedBy: s.people.quality.id });
    expect(again.map((r) => [r.status, r.approved])).toEqual([
      ["unchanged", true],
      ["unchanged", true],
    ]);
    expect(await count()).toBe(2);
    const v = await getVersion(db, at(first, 0).versionId);
    expect(v).toMatchObject({ status: "approved", approvalNote: "示范数据：视同专家组审议通过" });
    // Without approvedBy: drafts.
    const drafts = await importLibrary(db, [
      sampleFile((f) => {
        f.name.en = "Changed";
      }),
    ]);
    expect(drafts).toEqual([expect.objectContaining({ status: "created", version: 2, approved: false })]);
  });

  it("a bad file imports nothing", async () => {
    await expectDomainError(
      importLibrary(db, [
        sampleFile(),
        sampleFile((f) => {
          f.key = "bad";
          at(f.indicators, 0).weight = 0.9;
        }),
      ]),
      { code: "instruments.errors.invalidFile" },
    );
    expect(await count()).toBe(0);
  });
});

describe("access through tRPC", () => {
  it("quality office and system administrator view and upload; only the quality office approves and retires", async () => {
    const as = async (p: { id: number }) => createCaller({ db, user: await sessionOf(db, p) });
    const quality = await as(s.people.quality);
    const admin = await as(s.people.sysAdmin);
    const r = await admin.instruments.upload({ file: sampleFile() });
    expect(r.status).toBe("created");
    expect(await admin.instruments.list()).toHaveLength(1);
    await expect(admin.instruments.approve({ id: r.versionId, note: "ok" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.instruments.retire({ id: r.versionId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(quality.instruments.approve({ id: r.versionId, note: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await quality.instruments.approve({ id: r.versionId, note: "经审议通过" });
    expect((await quality.instruments.version({ id: r.versionId })).status).toBe("approved");
    expect((await quality.instruments.check({ file: sampleFile() })).sameAs).toEqual({ id: r.versionId, version: 1 });
    expect((await quality.instruments.diff({ id: r.versionId })).diff).toBeNull();

    for (const p of [s.people.adminA, s.people.teacherA, s.people.hr, s.people.studentA]) {
      const api = await as(p);
      await expect(
        api.instruments.upload({
          file: sampleFile((f) => {
            f.name.zh = "x";
          }),
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(api.instruments.approve({ id: r.versionId, note: "ok" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(api.instruments.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(api.instruments.check({ file: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(createCaller({ db }).instruments.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await count()).toBe(1);
  });
});
