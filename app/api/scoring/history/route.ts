import { currentUser } from "@/server/api/server";
import { SCORING_ADMIN_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { getDb } from "@/server/db";
import { uploadedFile, uploadRoute } from "@/server/http/route";
import { HISTORY_MAX_BYTES, importHistoryFile } from "@/server/scoring/history";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// POST /api/scoring/history (multipart, field file): past terms' responses from another system
// in the long format; checked, imported as closed campaigns and the figures recomputed
// (server/scoring/history.ts). Problems come back with row and column, and nothing is stored.
export const POST = uploadRoute({
  user: currentUser,
  may: (user) => hasRole(user, ...SCORING_ADMIN_ROLES),
  fileBytes: HISTORY_MAX_BYTES,
  tooLarge: { code: "scoring.longFormat.tooLarge", params: { maxMb: HISTORY_MAX_BYTES / 1024 / 1024 } },
  handle: async ({ user, form, locale }) => {
    const file = uploadedFile(form);
    const result = await importHistoryFile(await getDb(), user.id, new Uint8Array(await file.arrayBuffer()), locale, new Date());
    return Response.json(result);
  },
});
