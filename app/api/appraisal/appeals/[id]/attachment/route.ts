import { currentUser } from "@/server/api/server";
import { APPRAISAL_APPROVE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { appealAttachment } from "@/server/appraisal/appeals";
import { getDb } from "@/server/db";
import { DomainError } from "@/server/kernel/errors";
import { downloadResponse, idParam, routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/appraisal/appeals/<id>/attachment: the appeal's attachment, for its teacher, its
// reviewer and the quality office.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const id = idParam(new URL(req.url).pathname.split("/").at(-2), "appraisal.errors.appealNotFound");
  const a = await appealAttachment(await getDb(), { id: user.id, qualityOffice: hasRole(user, ...APPRAISAL_APPROVE_ROLES) }, id);
  return downloadResponse({ bytes: a.bytes, mime: a.mime, name: a.name, fallback: `appeal-${id}` });
});
