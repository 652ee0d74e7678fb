import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { handleModelUpload, MAX_FILE_BYTES } from "@/server/attainment/http";
import { uploadRoute } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Multipart upload of a programme's requirements and support files: a new draft version of
// its outcome model (the quality office approves it), or 400 with every problem.
export const POST = uploadRoute({
  user: currentUser,
  fileBytes: 2 * MAX_FILE_BYTES,
  tooLarge: { code: "imports.upload.tooLarge", params: { maxMb: MAX_FILE_BYTES / 1024 / 1024 } },
  handle: async ({ user, form, locale }) => Response.json(await handleModelUpload({ db: await getDb(), user, locale, formData: form })),
});
