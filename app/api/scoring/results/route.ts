import { Readable } from "node:stream";
import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { DomainError } from "@/server/kernel/errors";
import { idParam, localeOf, routeHandler } from "@/server/http/route";
import { resultsWorkbook } from "@/server/scoring/results-export";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/scoring/results?policy=<id>: the results the reader sees on the results pages, as
// an XLSX workbook (server/scoring/results-export.ts), streamed; audited. Every results reader.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const policyId = idParam(new URL(req.url).searchParams.get("policy"), "scoring.errors.resultsPolicy");
  const { stream, name } = await resultsWorkbook(await getDb(), () => new Date(), user, policyId, localeOf(req));
  const safe =
    name
      .replace(/[\\/:*?"<>|\r\n\t]+/g, "_")
      .trim()
      .slice(0, 80) || "results";
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="results.xlsx"; filename*=UTF-8''${encodeURIComponent(`${safe}.xlsx`)}`,
      "cache-control": "no-store",
    },
  });
});
