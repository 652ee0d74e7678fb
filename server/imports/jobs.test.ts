import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, one, queryRows } from "@/db/query";
import { createCaller } from "../api/root";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { handleImportUpload, templateResponse } from "./http";
import { importJobs } from "@/db/schema";
import { failInterruptedImportJobs, getImportJob, listImportJobs, startImportJob } from "./jobs";
import { csvBytes } from "./testing";
import { expectDomainError } from "../test/errors";
import { at } from "@/server/shared/indexed";

let db: Db;
let s: School;

beforeAll(async () => {
  ({ db, s } = await freshSchool());
});

function form(kind: string | null, file: { bytes: Uint8Array; name: string } | string | null) {
  const f = new FormData();
  if (kind !== null) f.set("kind", kind);
  if (typeof file === "string") f.set("file", file);
  else if (file) f.set("file", new File([file.bytes as BlobPart], file.name));
  return f;
}

async function waitForJob(id: string) {
  for (let i = 0; i < 200; i++) {
    const job = await getImportJob(db, id);
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("job did not finish");
}

describe("import jobs", () => {
  it("runs a job in the background and stores counts", async () => {
    const { jobId, finished } = await startImportJob(db, {
      kind: "programmes",
      fileName: "专业.csv",
      actorId: s.people.quality.id,
      locale: "zh",
      bytes: csvBytes([
        ["专业代码", "专业名称", "所属单位代码"],
        ["080903", "网络工程", "A"],
        ["080902", "软件工程", "A"],
      ]),
    });
    const job = await finished;
    expect(job).toMatchObject({
      id: jobId,
      kind: "programmes",
      fileName: "专业.csv",
      status: "done",
      total: 2,
      processed: 2,
      inserted: 1,
      updated: 0,
      unchanged: 1,
      errorCount: 0,
      errors: [],
    });
    expect(job?.finishedAt).toBeInstanceOf(Date);
    const audit = await queryRows(
      db,
      { action: col.text, subject: col.text },
      sql`select action, subject from audit_log where action = 'import'`,
    );
    expect(audit).toEqual([{ action: "import", subject: "programmes" }]);
  });

  it("stores validation errors as a failed job", async () => {
    const { finished } = await startImportJob(db, {
      kind: "programmes",
      fileName: "bad.csv",
      actorId: s.people.quality.id,
      locale: "en",
      bytes: csvBytes([
        ["code", "name", "unit_code"],
        ["X", "x", "NOPE"],
      ]),
    });
    const job = await finished;
    expect(job).toMatchObject({ status: "failed", errorCount: 1, inserted: 0 });
    expect(job?.errors).toEqual([
      { file: "bad.csv", row: 2, column: "unit_code", reason: 'Unit code "NOPE" does not exist (neither in the system nor in this file).' },
    ]);
  });

  it("stores an unexpected crash as a failed job", async () => {
    const broken = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === "transaction") return () => Promise.reject(new Error("disk full"));
        const value: unknown = Reflect.get(target, prop, receiver);
        return value;
      },
    });
    const errors = console.error;
    console.error = () => {};
    try {
      const { finished } = await startImportJob(broken, {
        kind: "programmes",
        fileName: "p.csv",
        actorId: null,
        locale: "zh",
        bytes: csvBytes([
          ["code", "name", "unit_code"],
          ["Y", "y", "A"],
        ]),
      });
      const job = await finished;
      expect(job).toMatchObject({ status: "failed", errorCount: 1 });
      expect(job?.errors[0]?.reason).toContain("服务器出错");
    } finally {
      console.error = errors;
    }
  });

  it("lists recent jobs without their errors; unknown ids are not found", async () => {
    const jobs = await listImportJobs(db, 10);
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    expect(jobs[0]).not.toHaveProperty("errors");
    expect(jobs.find((j) => j.fileName === "专业.csv")?.createdByName).toBe("质量办王老师");
    await expectDomainError(getImportJob(db, "00000000-0000-4000-8000-000000000000"), { kind: "NOT_FOUND", code: "imports.job.notFound" });
    await expectDomainError(getImportJob(db, "not-a-uuid"), { kind: "NOT_FOUND", code: "imports.job.notFound" });
  });

  it("marks jobs interrupted by a restart as failed", async () => {
    const startedAt = new Date("2026-11-22T08:00:00Z");
    const stale = one(
      await db.insert(importJobs).values({ kind: "units", fileName: "old.csv", status: "writing", createdAt: startedAt }).returning(),
    );
    expect(await failInterruptedImportJobs(db, new Date(startedAt.getTime() + 60_000))).toBe(1);
    expect(await getImportJob(db, stale.id)).toMatchObject({ status: "failed" });
  });
});

describe("upload handler", () => {
  it("starts a job for an import role and returns its id", async () => {
    const user = await sessionOf(db, s.people.sysAdmin);
    const { jobId } = await handleImportUpload({
      db,
      user,
      locale: "zh",
      formData: form("units", {
        name: "units.csv",
        bytes: csvBytes([
          ["code", "name", "kind", "parent_code"],
          ["C7", "化工学院", "学院", "S"],
        ]),
      }),
    });
    const job = await waitForJob(jobId);
    expect(job).toMatchObject({ status: "done", inserted: 1, createdBy: s.people.sysAdmin.id, fileName: "units.csv" });
  });

  it("refuses users without an import role and bad requests", async () => {
    const file = { name: "u.csv", bytes: csvBytes([["code"], ["x"]]) };
    await expectDomainError(handleImportUpload({ db, user: null, locale: "zh", formData: form("units", file) }), {
      kind: "UNAUTHORIZED",
      code: "errors.unauthorized",
    });
    for (const p of [s.people.adminA, s.people.teacherA, s.people.hr]) {
      const user = await sessionOf(db, p);
      await expectDomainError(handleImportUpload({ db, user, locale: "zh", formData: form("units", file) }), {
        kind: "FORBIDDEN",
        code: "errors.forbidden",
      });
    }
    const user = await sessionOf(db, s.people.quality);
    await expectDomainError(handleImportUpload({ db, user, locale: "zh", formData: form("nope", file) }), {
      kind: "BAD_REQUEST",
      code: "imports.upload.badKind",
    });
    await expectDomainError(handleImportUpload({ db, user, locale: "zh", formData: form(null, file) }), {
      kind: "BAD_REQUEST",
      code: "imports.upload.badKind",
    });
    await expectDomainError(handleImportUpload({ db, user, locale: "zh", formData: form("units", null) }), {
      kind: "BAD_REQUEST",
      code: "imports.upload.noFile",
    });
    await expectDomainError(handleImportUpload({ db, user, locale: "zh", formData: form("units", "text") }), {
      kind: "BAD_REQUEST",
      code: "imports.upload.noFile",
    });
    await expectDomainError(
      handleImportUpload({ db, user, locale: "zh", formData: form("units", { name: "e.csv", bytes: new Uint8Array() }) }),
      { kind: "BAD_REQUEST", code: "imports.upload.emptyFile" },
    );
    const big = { name: "big.csv", bytes: new Uint8Array(20 * 1024 * 1024 + 1) };
    await expectDomainError(handleImportUpload({ db, user, locale: "zh", formData: form("units", big) }), {
      kind: "BAD_REQUEST",
      code: "imports.upload.tooLarge",
    });
  });

  it("serves templates", async () => {
    const csv = await templateResponse("people", "csv", "zh");
    expect(csv.contentType).toBe("text/csv; charset=utf-8");
    expect(csv.fileName).toBe("导入模板-人员.csv");
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(csv.body).split("\r\n")[0]).toBe(
      "\uFEFF学号/工号,姓名,人员类别,所属单位代码,专业代码,行政班,入学年份,职称,性别,电子邮箱,手机号,角色,角色所属单位代码,是否有效",
    );
    const xlsx = await templateResponse("enrolments", "xlsx", "en");
    expect(xlsx.fileName).toBe("import-template-enrolments.xlsx");
    expect([...xlsx.body.subarray(0, 2)]).toEqual([0x50, 0x4b]);
    await expectDomainError(templateResponse("people", "pdf", "zh"), { kind: "BAD_REQUEST", code: "imports.template.badFormat" });
    await expectDomainError(templateResponse("x", "csv", "zh"), { kind: "BAD_REQUEST", code: "imports.upload.badKind" });
  });
});

describe("imports router", () => {
  it("gives layouts in the caller's language, jobs and one job to import roles only", async () => {
    const q = createCaller({ db, user: await sessionOf(db, s.people.quality), locale: "en" });
    const layouts = await q.imports.layouts();
    expect(layouts.map((l) => l.kind)).toEqual([
      "units",
      "programmes",
      "people",
      "courses",
      "terms",
      "sections",
      "enrolments",
      "graduates",
      "employers",
    ]);
    const people = (await q.imports.layouts({ kind: "people" }))[0];
    expect(people?.columns.find((c) => c.key === "number")).toMatchObject({
      header: "Number",
      headers: { zh: "学号/工号", en: "Number" },
      required: true,
    });
    const jobs = await q.imports.jobs({ limit: 2 });
    expect(jobs).toHaveLength(2);
    expect((await q.imports.job({ id: at(jobs, 0).id })).id).toBe(at(jobs, 0).id);
    await expect(q.imports.job({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No such import job.",
    });

    const teacher = createCaller({ db, user: await sessionOf(db, s.people.teacherA) });
    await expect(teacher.imports.layouts()).rejects.toBeInstanceOf(TRPCError);
    const unitAdmin = createCaller({ db, user: await sessionOf(db, s.people.adminA) });
    await expect(unitAdmin.imports.jobs()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
