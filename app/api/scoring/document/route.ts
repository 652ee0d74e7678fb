import { currentUser } from "@/server/api/server";
import { SCORING_ADMIN_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { getDb } from "@/server/db";
import { badRequest, DomainError } from "@/server/kernel/errors";
import { routeHandler } from "@/server/http/route";
import { resultsDocument } from "@/server/scoring/document";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/scoring/document?policy=<id>: every figure of the policy's school year as the JSON
// document `npm run scores` writes (server/scoring/document.ts), for the quality office.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  if (!hasRole(user, ...SCORING_ADMIN_ROLES)) throw new DomainError("FORBIDDEN", "errors.forbidden");
  const id = Number(new URL(req.url).searchParams.get("policy"));
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) throw badRequest("scoring.errors.policyNotFound");
  const doc = await resultsDocument(await getDb(), id);
  return new Response(`${JSON.stringify(doc, null, 2)}\n`, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="results-${doc.policy.school_year}.json"`,
      "cache-control": "no-store",
    },
  });
});
