import { currentUser } from "@/server/api/server";
import { ORDER_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { getDb } from "@/server/db";
import { DomainError } from "@/server/kernel/errors";
import { routeHandler } from "@/server/http/route";
import { registerQuery, registerXlsx } from "@/server/improvement/register";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/improvement/register?status=…&source=…&unitId=…&overdue=1&q=…: the register
// (整改台账) as XLSX in the audit layout (server/improvement/register.ts), the orders the
// caller may see with the list's filters.
export const GET = routeHandler(async (req, locale) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  if (!hasRole(user, ...ORDER_VIEW_ROLES)) throw new DomainError("FORBIDDEN", "errors.forbidden");
  const body = await registerXlsx(await getDb(), new Date(), user, registerQuery(new URL(req.url).searchParams), locale);
  return new Response(new Uint8Array(body), {
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="register.xlsx"; filename*=UTF-8''${encodeURIComponent("整改台账.xlsx")}`,
      "cache-control": "no-store",
    },
  });
});
