import { badRequest, DomainError } from "@/server/kernel/errors";
import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { handleModelUpload, MAX_FILE_BYTES } from "@/server/attainment/http";
import { routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Multipart upload of a programme's requirements and support files: a new draft version of
// its outcome model (the quality office approves it), or 400 with every problem.
export const POST = routeHandler(async (_req, locale, body) => {
  const [db, user] = await Promise.all([getDb(), currentUser()]);
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  let formData: FormData;
  try {
    formData = await body.formData();
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw badRequest("imports.upload.noFile");
  }
  return Response.json(await handleModelUpload({ db, user, locale, formData }));
}, { maxBodyBytes: 2 * MAX_FILE_BYTES + 64 * 1024, tooLarge: { code: "imports.upload.tooLarge", params: { maxMb: MAX_FILE_BYTES / 1024 / 1024 } } });
