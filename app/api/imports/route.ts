import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { canImport, handleImportUpload, MAX_FILE_BYTES } from "@/server/imports/http";
import { uploadRoute } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Multipart upload (fields kind, file): starts an import job and answers with its id at
// once; the page polls imports.job for progress and the result.
// The body (the file and a field) is read after the session check, at most the file's
// limit plus room for the multipart envelope: 413 beyond.
export const POST = uploadRoute({
  user: currentUser,
  may: canImport,
  fileBytes: MAX_FILE_BYTES,
  tooLarge: { code: "imports.upload.tooLarge", params: { maxMb: MAX_FILE_BYTES / 1024 / 1024 } },
  handle: async ({ user, form, locale }) => {
    const { jobId } = await handleImportUpload({ db: await getDb(), user, locale, formData: form });
    return Response.json({ jobId }, { status: 202 });
  },
});
