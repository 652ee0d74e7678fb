import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { reportDocx } from "@/server/attainment/http";
import { routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/attainment/report?section=<id> | ?programme=<id>[&year=2026-2027]: the Word report.
export const GET = routeHandler(async (req, locale) => {
  const [db, user] = await Promise.all([getDb(), currentUser()]);
  const r = await reportDocx({ db, user, locale, params: new URL(req.url).searchParams });
  return new Response(Buffer.from(r.body), {
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "content-disposition": `attachment; filename="attainment.docx"; filename*=UTF-8''${encodeURIComponent(r.fileName)}`,
      "cache-control": "no-store",
    },
  });
});
