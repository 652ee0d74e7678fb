import { currentUser } from "@/server/api/server";
import { attainmentTemplate } from "@/server/attainment/templates";
import { DomainError } from "@/server/kernel/errors";
import { downloadResponse, routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";

// GET /api/attainment/template?file=requirements|support|surveyMapping&format=csv|xlsx
export const GET = routeHandler(async (req, locale) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const url = new URL(req.url);
  const t = await attainmentTemplate(url.searchParams.get("file") ?? "", url.searchParams.get("format") ?? "xlsx", locale);
  return downloadResponse({ bytes: t.body, mime: t.contentType, name: t.fileName, fallback: t.fallback });
});
