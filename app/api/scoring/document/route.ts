import { currentUser } from "@/server/api/server";
import { SCORING_ADMIN_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { getDb } from "@/server/db";
import { DomainError } from "@/server/kernel/errors";
import { idParam, routeHandler } from "@/server/http/route";
import { resultsDocument } from "@/server/scoring/document";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/scoring/document?policy=<id>: every figure of the policy's school year as the JSON
// document `npm run scores` writes (server/scoring/document.ts), for the quality office.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  if (!hasRole(user, ...SCORING_ADMIN_ROLES)) throw new DomainError("FORBIDDEN", "errors.forbidden");
  const id = idParam(new URL(req.url).searchParams.get("policy"), "scoring.errors.policyNotFound");
  const doc = await resultsDocument(await getDb(), id);
  return new Response(`${JSON.stringify(doc, null, 2)}\n`, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="results-${doc.policy.school_year}.json"`,
      "cache-control": "no-store",
    },
  });
});
