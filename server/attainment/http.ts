// What the attainment route handlers (app/api/attainment/…) call: the gradebook upload and the
// Word reports, with the same access checks as the router (views.ts).
import type { Db } from "@/db/client";
import type { SessionUser } from "../auth/users";
import { badRequest, DomainError } from "../kernel/errors";
import type { Locale } from "../i18n/messages";
import { MAX_FILE_BYTES } from "../imports/parse";
import { describeIssue } from "./files";
import { importGradebook, sectionReport } from "./store";
import { assertProgrammeAccess, assertSectionAccess, ATTAINMENT_EDIT_ROLES, programmeReport } from "./views";
import { createModelVersion, currentModel, importSurveyMapping, modelFromFiles } from "./model";
import { programmeReportDocx, sectionReportDocx } from "./word";
import { idTextSchema, schoolYearSchema as yearSchema } from "../kernel/ids";

export { MAX_FILE_BYTES };

function fileOf(value: FormDataEntryValue | null): Blob | null {
  if (!value || typeof value === "string") return null;
  return typeof (value as Blob).arrayBuffer === "function" ? value : null;
}

/** Multipart fields sectionId, assessments, scores. Refused: 400 with every problem (file, row, column, reason) in details. */
export async function handleGradebookUpload(input: { db: Db; user: SessionUser | null; locale: Locale; formData: FormData }) {
  const { db, user, locale, formData } = input;
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const sectionId = idTextSchema.safeParse(formData.get("sectionId"));
  if (!sectionId.success) throw badRequest("attainment.errors.sectionNotFound");
  await assertSectionAccess(db, user, sectionId.data, "edit");
  const files: Record<"assessments" | "scores", Uint8Array> = { assessments: new Uint8Array(), scores: new Uint8Array() };
  for (const k of ["assessments", "scores"] as const) {
    const f = fileOf(formData.get(k));
    if (!f) throw badRequest("imports.upload.noFile");
    if (f.size > MAX_FILE_BYTES) throw badRequest("imports.upload.tooLarge", { maxMb: MAX_FILE_BYTES / 1024 / 1024 });
    files[k] = new Uint8Array(await f.arrayBuffer());
  }
  const r = await importGradebook(db, sectionId.data, files, user.id, locale);
  if (r.status === "refused") {
    throw new DomainError(
      "BAD_REQUEST",
      "attainment.errors.gradebookProblems",
      { count: r.issues.length },
      r.issues.slice(0, 200).map((i) => ({ ...i, message: describeIssue(locale, i) })),
    );
  }
  return r;
}

/** ?section=<id> or ?programme=<id>[&year=YYYY-YYYY]: the Word report and its file name. */
export async function reportDocx(input: { db: Db; user: SessionUser | null; locale: Locale; params: URLSearchParams }) {
  const { db, user, locale, params } = input;
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  if (params.get("section")) {
    const id = idTextSchema.safeParse(params.get("section"));
    if (!id.success) throw badRequest("attainment.errors.sectionNotFound");
    await assertSectionAccess(db, user, id.data, "view");
    const r = await sectionReport(db, id.data);
    return { body: await sectionReportDocx(r, locale), fileName: `课程目标达成情况评价报告-${r.section.code}.docx` };
  }
  const id = idTextSchema.safeParse(params.get("programme"));
  if (!id.success) throw badRequest("attainment.errors.programmeNotFound");
  const year = params.get("year") ? yearSchema.safeParse(params.get("year")) : null;
  if (year && !year.success) throw badRequest("attainment.errors.programmeNotFound");
  await assertProgrammeAccess(db, user, id.data);
  const r = await programmeReport(db, id.data, year?.data);
  return { body: await programmeReportDocx(r, locale), fileName: `毕业要求达成情况评价报告-${r.programme.code}-${r.year ?? ""}.docx` };
}

/**
 * Multipart fields programmeId, requirements, support (the CLI's files): a new draft version of
 * the programme's outcome model, keeping the other settings (training objectives and their
 * matrix, strength values, threshold, methods, objective titles) of the version in force.
 * Refused: 400 with every problem (file, row, column, reason); nothing stored.
 */
export async function handleModelUpload(input: { db: Db; user: SessionUser | null; locale: Locale; formData: FormData }) {
  const { db, user, locale, formData } = input;
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const programmeId = idTextSchema.safeParse(formData.get("programmeId"));
  if (!programmeId.success) throw badRequest("attainment.errors.programmeNotFound");
  await assertProgrammeAccess(db, user, programmeId.data, ATTAINMENT_EDIT_ROLES);
  const files: Record<"requirements" | "support", Uint8Array> = { requirements: new Uint8Array(), support: new Uint8Array() };
  for (const k of ["requirements", "support"] as const) {
    const f = fileOf(formData.get(k));
    if (!f) throw badRequest("imports.upload.noFile");
    if (f.size > MAX_FILE_BYTES) throw badRequest("imports.upload.tooLarge", { maxMb: MAX_FILE_BYTES / 1024 / 1024 });
    files[k] = new Uint8Array(await f.arrayBuffer());
  }
  const current = await currentModel(db, programmeId.data);
  const titles = new Map((current?.model.courseObjectives ?? []).map((o) => [`${o.course}\u0000${o.code}`, o.title]));
  const { model, issues } = await modelFromFiles(
    files,
    current
      ? {
          trainingObjectives: current.model.trainingObjectives,
          requirementObjectives: current.model.requirementObjectives,
          strengthValues: current.model.strengthValues,
          threshold: current.model.threshold,
          method: current.model.method,
          courseAggregate: current.model.courseAggregate,
          alpha: current.model.alpha,
        }
      : {},
    locale,
  );
  if (!model) {
    throw new DomainError(
      "BAD_REQUEST",
      "attainment.errors.modelProblems",
      { count: issues.length },
      issues.slice(0, 200).map((i) => ({ ...i, message: describeIssue(locale, i) })),
    );
  }
  const requirementCodes = new Set(model.requirements.map((r) => r.code));
  const withTitles = {
    ...model,
    courseObjectives: model.courseObjectives.map((o) => ({
      ...o,
      ...(titles.get(`${o.course}\u0000${o.code}`) ? { title: titles.get(`${o.course}\u0000${o.code}`) } : {}),
    })),
    requirementObjectives: model.requirementObjectives.filter((l) => requirementCodes.has(l.requirement)),
  };
  return createModelVersion(
    db,
    { programmeId: programmeId.data, cohorts: current?.cohorts ?? [], model: withTitles },
    user.id,
    new Date(),
    {
      locale,
    },
  );
}

/**
 * Multipart fields programmeId, surveyMapping (survey, item, requirement, objective): a new
 * draft version of the programme's latest model version with this survey mapping, the rest
 * kept. Refused: 400 with every problem (file, row, column, reason); nothing stored.
 */
export async function handleSurveyMappingUpload(input: { db: Db; user: SessionUser | null; locale: Locale; formData: FormData }) {
  const { db, user, locale, formData } = input;
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const programmeId = idTextSchema.safeParse(formData.get("programmeId"));
  if (!programmeId.success) throw badRequest("attainment.errors.programmeNotFound");
  await assertProgrammeAccess(db, user, programmeId.data, ATTAINMENT_EDIT_ROLES);
  const f = fileOf(formData.get("surveyMapping"));
  if (!f) throw badRequest("imports.upload.noFile");
  if (f.size > MAX_FILE_BYTES) throw badRequest("imports.upload.tooLarge", { maxMb: MAX_FILE_BYTES / 1024 / 1024 });
  return importSurveyMapping(db, programmeId.data, new Uint8Array(await f.arrayBuffer()), user.id, locale, new Date());
}
