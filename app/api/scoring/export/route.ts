import { Readable } from "node:stream";
import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { DomainError } from "@/server/kernel/errors";
import { routeHandler } from "@/server/http/route";
import { parseId } from "@/server/kernel/ids";
import { exportCsv, exportScope, exportXlsx } from "@/server/scoring/export";

export const dynamic = "force-dynamic";

async function* bytes(text: AsyncIterable<string>) {
  for await (const chunk of text) yield Buffer.from(chunk, "utf8");
}
export const runtime = "nodejs";

// GET /api/scoring/export?campaign=<id>|year=<YYYY-YYYY>&format=csv|xlsx: the anonymised
// long-format export of responses (server/scoring/export.ts), streamed; audited. The quality
// office any campaign or school year, a unit admin the campaigns it manages.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const q = new URL(req.url).searchParams;
  const format = q.get("format") === "xlsx" ? "xlsx" : "csv";
  // Not an id: no campaign (the school year, if given, or the scope error of exportScope).
  const campaignId = parseId(q.get("campaign")) ?? undefined;
  const db = await getDb();
  const { ids, name } = await exportScope(db, user, { campaignId, schoolYear: q.get("year") ?? undefined }, format);
  const safe =
    name
      .replace(/[\\/:*?"<>|\r\n\t]+/g, "_")
      .trim()
      .slice(0, 80) || "export";
  const body =
    format === "xlsx"
      ? (Readable.toWeb(exportXlsx(db, ids)) as ReadableStream<Uint8Array>)
      : (Readable.toWeb(Readable.from(bytes(exportCsv(db, ids)))) as ReadableStream<Uint8Array>);
  return new Response(body, {
    headers: {
      "content-type": format === "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="responses.${format}"; filename*=UTF-8''${encodeURIComponent(`${safe}-答卷数据.${format}`)}`,
      "cache-control": "no-store",
    },
  });
});
