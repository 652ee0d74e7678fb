import { currentUser } from "@/server/api/server";
import { APPRAISAL_VIEW_ROLES } from "@/server/access/roles";
import { hasRole, unitScope } from "@/server/access/scope";
import { appraisalXlsx } from "@/server/appraisal/export";
import { getDb } from "@/server/db";
import { badRequest, DomainError } from "@/server/kernel/errors";
import { routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/appraisal/export?year=<YYYY-YYYY>: the year's appraisal as XLSX for an HR system
// (layout: server/appraisal/export.ts), the teachers in the caller's scope; each is logged as viewed.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  if (!hasRole(user, ...APPRAISAL_VIEW_ROLES)) throw new DomainError("FORBIDDEN", "errors.forbidden");
  const year = new URL(req.url).searchParams.get("year") ?? "";
  if (!/^\d{4}-\d{4}$/.test(year)) throw badRequest("appraisal.errors.yearNotInData", { year: year.slice(0, 20) });
  const db = await getDb();
  const scope = await unitScope(db, user, [...APPRAISAL_VIEW_ROLES]);
  const role = APPRAISAL_VIEW_ROLES.find((r) => user.roles.some((g) => g.role === r)) ?? "staff";
  const body = await appraisalXlsx(db, scope, year, user, role, () => new Date());
  return new Response(new Uint8Array(body), {
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="appraisal-${year}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${year}-教师考核.xlsx`)}`,
      "cache-control": "no-store",
    },
  });
});
