import { forbidden } from "@/server/kernel/errors";
import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { canImport, handleImportUpload, MAX_FILE_BYTES } from "@/server/imports/http";
import { readUpload, routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Multipart upload (fields kind, file): starts an import job and answers with its id at
// once; the page polls imports.job for progress and the result.
// The body (the file and a field) is read after the session check, at most the file's
// limit plus room for the multipart envelope: 413 beyond.
export const POST = routeHandler(
  async (_req, locale, body) => {
    const [db, signedIn] = await Promise.all([getDb(), currentUser()]);
    if (signedIn && !canImport(signedIn)) throw forbidden();
    const { user, form: formData } = await readUpload(signedIn, body);
    const { jobId } = await handleImportUpload({ db, user, locale, formData });
    return Response.json({ jobId }, { status: 202 });
  },
  {
    maxBodyBytes: MAX_FILE_BYTES + 64 * 1024,
    tooLarge: { code: "imports.upload.tooLarge", params: { maxMb: MAX_FILE_BYTES / 1024 / 1024 } },
  },
);
