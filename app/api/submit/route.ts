import { submitResponse, MAX_ANSWERS_BYTES } from "@/server/anonymity/submit";
import { getDb } from "@/server/db";
import { badRequest } from "@/server/errors";
import { routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Anonymous submission (server/anonymity/submit.ts). The browser calls it with
// credentials: "omit"; this handler reads no cookie, no session and no client address,
// and logs no request data. The body is (targetId, token, signature, answers, declined,
// locale); the answer is { status: "stored" | "duplicate" } once the row is committed.
const MAX_BODY_BYTES = MAX_ANSWERS_BYTES + 4096;

export const POST = routeHandler(async (req) => {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw badRequest("respond.submit.errors.tooLarge", { max: MAX_ANSWERS_BYTES });
  const text = await req.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw badRequest("respond.submit.errors.tooLarge", { max: MAX_ANSWERS_BYTES });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest("respond.submit.errors.invalidRequest");
  }
  const result = await submitResponse(await getDb(), body as never, new Date());
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
}, { logErrors: "name" });
