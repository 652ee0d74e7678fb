import { badRequest } from "@/server/errors";
import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { handleImportUpload, MAX_FILE_BYTES } from "@/server/imports/http";
import { routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Multipart upload (fields kind, file): starts an import job and answers with its id at
// once; the page polls imports.job for progress and the result.
export const POST = routeHandler(async (req, locale) => {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_FILE_BYTES + 64 * 1024) throw badRequest("imports.upload.tooLarge", { maxMb: MAX_FILE_BYTES / 1024 / 1024 });
  const [db, user] = await Promise.all([getDb(), currentUser()]);
  let formData: FormData;
  try {
    formData = await req.formData();
  } catch {
    throw badRequest("imports.upload.noFile");
  }
  const { jobId } = await handleImportUpload({ db, user, locale, formData });
  return Response.json({ jobId }, { status: 202 });
});
