import { currentUser } from "@/server/api/server";
import { SCORING_ADMIN_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { getDb } from "@/server/db";
import { badRequest, DomainError } from "@/server/kernel/errors";
import { routeHandler } from "@/server/http/route";
import { HISTORY_MAX_BYTES, importHistoryFile } from "@/server/scoring/history";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// POST /api/scoring/history (multipart, field file): past terms' responses from another system
// in the long format; checked, imported as closed campaigns and the figures recomputed
// (server/scoring/history.ts). Problems come back with row and column, and nothing is stored.
export const POST = routeHandler(async (_req, locale, body) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  if (!hasRole(user, ...SCORING_ADMIN_ROLES)) throw new DomainError("FORBIDDEN", "errors.forbidden");
  let file: FormDataEntryValue | null;
  try {
    file = (await body.formData()).get("file");
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw badRequest("imports.upload.noFile");
  }
  if (!file || typeof file === "string") throw badRequest("imports.upload.noFile");
  const result = await importHistoryFile(await getDb(), user.id, new Uint8Array(await file.arrayBuffer()), locale, new Date());
  return Response.json(result);
}, { maxBodyBytes: HISTORY_MAX_BYTES + 64 * 1024, tooLarge: { code: "scoring.longFormat.tooLarge", params: { maxMb: HISTORY_MAX_BYTES / 1024 / 1024 } } });
