// What the route handlers (app/api/imports/…) call: an upload starts a job, a template
// download gets bytes, a content type and a file name.
import { z } from "zod";
import type { Db } from "@/db/client";
import { IMPORT_KINDS } from "./kinds";
import { IMPORT_ROLE_LIST } from "../access/roles";
import { hasRole } from "../access/scope";
import type { SessionUser } from "../auth/users";
import { badRequest, DomainError, forbidden } from "../kernel/errors";
import type { Locale } from "../i18n/messages";
import { startImportJob } from "./jobs";
import { MAX_FILE_BYTES } from "./parse";
import { templateCsv, templateFileName, templateXlsx } from "./templates";

export { MAX_FILE_BYTES };

const kindSchema = z.enum(IMPORT_KINDS);
const formatSchema = z.enum(["csv", "xlsx"]);

export function canImport(user: SessionUser | null | undefined): boolean {
  return hasRole(user, ...IMPORT_ROLE_LIST);
}

/** Accepts a Blob/File from FormData (a string is not a file). */
function fileOf(value: FormDataEntryValue | null): (Blob & { name?: string }) | null {
  if (!value || typeof value === "string") return null;
  return typeof (value as Blob).arrayBuffer === "function" ? value : null;
}

/**
 * Handles a multipart upload with fields `kind` (one of IMPORT_KINDS) and `file` (CSV
 * or XLSX, at most 20 MB): checks the user may import, starts the job and returns its id
 * at once. Domain errors: UNAUTHORIZED, FORBIDDEN, BAD_REQUEST (imports.upload.*).
 */
export async function handleImportUpload(input: {
  db: Db;
  user: SessionUser | null;
  locale: Locale;
  formData: FormData;
}): Promise<{ jobId: string }> {
  const { db, user, locale, formData } = input;
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  if (!canImport(user)) throw forbidden();
  const kind = kindSchema.safeParse(formData.get("kind"));
  if (!kind.success) throw badRequest("imports.upload.badKind");
  const file = fileOf(formData.get("file"));
  if (!file) throw badRequest("imports.upload.noFile");
  if (file.size === 0) throw badRequest("imports.upload.emptyFile");
  if (file.size > MAX_FILE_BYTES) throw badRequest("imports.upload.tooLarge", { maxMb: MAX_FILE_BYTES / 1024 / 1024 });
  const fileName = (file.name ?? "").trim().slice(0, 255) || `${kind.data}.csv`;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { jobId } = await startImportJob(db, { kind: kind.data, fileName, bytes, actorId: user.id, locale });
  return { jobId };
}

/**
 * A template download. `kind` and `format` come from the URL and are validated here
 * (BAD_REQUEST imports.upload.badKind / imports.template.badFormat). The file name may
 * be Chinese: send it with `filename*=UTF-8''…` (encodeURIComponent).
 */
export async function templateResponse(
  kind: string,
  format: string,
  locale: Locale,
): Promise<{ body: Uint8Array; contentType: string; fileName: string }> {
  const k = kindSchema.safeParse(kind);
  if (!k.success) throw badRequest("imports.upload.badKind");
  const f = formatSchema.safeParse(format);
  if (!f.success) throw badRequest("imports.template.badFormat");
  const fileName = templateFileName(k.data, f.data, locale);
  if (f.data === "csv") return { body: templateCsv(k.data, locale), contentType: "text/csv; charset=utf-8", fileName };
  return {
    body: await templateXlsx(k.data, locale),
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    fileName,
  };
}
