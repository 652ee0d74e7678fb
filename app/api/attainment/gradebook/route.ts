import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { handleGradebookUpload, MAX_FILE_BYTES } from "@/server/attainment/http";
import { uploadRoute } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Multipart upload of an offering's gradebook (fields sectionId, assessments, scores): checked
// in full, then the section's items and scores replaced in one transaction; 400 with every
// problem (file, row, column, reason) and nothing changed otherwise.
export const POST = uploadRoute({
  user: currentUser,
  fileBytes: 2 * MAX_FILE_BYTES,
  tooLarge: { code: "imports.upload.tooLarge", params: { maxMb: MAX_FILE_BYTES / 1024 / 1024 } },
  handle: async ({ user, form, locale }) => Response.json(await handleGradebookUpload({ db: await getDb(), user, locale, formData: form })),
});
