import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/options";
import { bufferedRequest } from "@/server/http/body";
import { addressedToOwnOrigin } from "@/server/http/guard";
import { answeringDomainErrors, refuseAtTheDoor } from "@/server/http/route";

export const dynamic = "force-dynamic";

type RouteCtx = { params: Promise<{ nextauth: string[] }> };

// Sign-in forms and the session's keep-alive are a few hundred bytes.
const MAX_BODY_BYTES = 16 * 1024;

async function handler(req: Request, ctx: RouteCtx) {
  // next-auth guards its own POSTs with its CSRF token; only the body limit and the
  // query-string check apply here (a GET has no body).
  const refused = await refuseAtTheDoor(req, { maxBodyBytes: MAX_BODY_BYTES, checkOrigin: false });
  if (refused) return refused;
  return answeringDomainErrors(req, async () => {
    // Addressed to the app's own origin: next-auth builds its redirects from it.
    const buffered = await bufferedRequest(req, MAX_BODY_BYTES, undefined, addressedToOwnOrigin(req));
    // next-auth 4 reads params synchronously; Next 16 passes a promise.
    const params = await ctx.params;
    // Its typings say `any`; the App Router handler answers a Response.
    return NextAuth(buffered as never, { params } as never, authOptions()) as Promise<Response>;
  });
}

export { handler as GET, handler as POST };
