import { currentUser } from "@/server/api/server";
import { APPRAISAL_APPROVE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { appealAttachment } from "@/server/appraisal/appeals";
import { getDb } from "@/server/db";
import { attachmentRoute } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/appraisal/appeals/<id>/attachment: the appeal's attachment, for its teacher, its
// reviewer and the quality office (anyone else: 403), through the one attachment download route
// (server/http/route.ts attachmentRoute).
export const GET = attachmentRoute({
  user: currentUser,
  idAt: 2,
  badId: "appraisal.errors.appealNotFound",
  fallback: "appeal",
  read: async (user, id) => appealAttachment(await getDb(), { id: user.id, qualityOffice: hasRole(user, ...APPRAISAL_APPROVE_ROLES) }, id),
});
