import { submitResponse, MAX_ANSWERS_BYTES } from "@/server/anonymity/submit";
import { getDb } from "@/server/db";
import { anonSecret } from "@/server/kernel/env";
import { routeHandler } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Anonymous submission (server/anonymity/submit.ts). The browser calls it with
// credentials: "omit"; this handler reads no cookie, no session and no client address,
// and logs no request data. The body is (targetId, token, signature, answers, declined,
// locale); the answer is { status: "stored" | "duplicate" } once the row is committed.
const MAX_BODY_BYTES = MAX_ANSWERS_BYTES + 4096;

// The body is read through the bounded reader (413 beyond the limit, 400 for text that
// cannot be stored, e.g. a NUL in an answer).
export const POST = routeHandler(
  async (_req, _locale, body) => {
    const submission = await body.json("respond.submit.errors.invalidRequest");
    const result = await submitResponse(await getDb(), submission, new Date(), anonSecret());
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  {
    logErrors: "name",
    maxBodyBytes: MAX_BODY_BYTES,
    tooLarge: { code: "respond.submit.errors.tooLarge", params: { max: MAX_ANSWERS_BYTES } },
  },
);
