import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { handleSurveyMappingUpload, MAX_FILE_BYTES } from "@/server/attainment/http";
import { readUpload, routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Multipart upload of a programme's survey mapping file: a new draft version of its outcome
// model with the mapping (the quality office approves it), or 400 with every problem.
export const POST = routeHandler(
  async (_req, locale, body) => {
    const [db, signedIn] = await Promise.all([getDb(), currentUser()]);
    const { user, form: formData } = await readUpload(signedIn, body);
    return Response.json(await handleSurveyMappingUpload({ db, user, locale, formData }));
  },
  {
    maxBodyBytes: MAX_FILE_BYTES + 64 * 1024,
    tooLarge: { code: "imports.upload.tooLarge", params: { maxMb: MAX_FILE_BYTES / 1024 / 1024 } },
  },
);
