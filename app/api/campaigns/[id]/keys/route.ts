import { getDb } from "@/server/db";
import { idParam, routeHandler } from "@/server/http/route";
import { campaignPublicKeys } from "@/server/respond/pending";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// The published signing keys of an open campaign, the same for everyone and served
// without a session: the respondent's browser fetches them with credentials: "omit" and
// refuses a key that differs from the one it was given (a key unique to one person would
// tag that person's response).
export const GET = routeHandler(async (req) => {
  const id = idParam(new URL(req.url).pathname.split("/").at(-2), "respond.submit.errors.invalidRequest");
  const keys = await campaignPublicKeys(await getDb(), id, new Date());
  return Response.json({ campaignId: id, keys }, { headers: { "Cache-Control": "public, max-age=60" } });
});
