import { DomainError, forbidden } from "@/server/kernel/errors";
import { currentUser } from "@/server/api/server";
import { canImport, templateResponse } from "@/server/imports/http";
import { routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";

// GET /api/imports/template?kind=people&format=xlsx
export const GET = routeHandler(async (req, locale) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  if (!canImport(user)) throw forbidden();
  const url = new URL(req.url);
  const t = await templateResponse(url.searchParams.get("kind") ?? "", url.searchParams.get("format") ?? "xlsx", locale);
  return new Response(Buffer.from(t.body), {
    headers: {
      "content-type": t.contentType,
      "content-disposition": `attachment; filename="template.${url.searchParams.get("format") === "csv" ? "csv" : "xlsx"}"; filename*=UTF-8''${encodeURIComponent(t.fileName)}`,
      "cache-control": "no-store",
    },
  });
});
