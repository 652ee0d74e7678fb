import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createRequestContext } from "@/server/api/server";
import { bufferedRequest } from "@/server/http/body";
import { answeringDomainErrors, refuseAtTheDoor } from "@/server/http/route";
import { FILE_MAX_CHARS } from "@/server/instruments/versions";

export const dynamic = "force-dynamic";

// The largest input is an instrument file (FILE_MAX_CHARS characters, up to 3 bytes each
// in UTF-8) in its JSON envelope; the body is read up to that and refused with 413 beyond.
const MAX_BODY_BYTES = 3 * FILE_MAX_CHARS + 64 * 1024;

async function handler(req: Request) {
  const refused = await refuseAtTheDoor(req, { maxBodyBytes: MAX_BODY_BYTES });
  if (refused) return refused;
  return answeringDomainErrors(req, async () =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: await bufferedRequest(req, MAX_BODY_BYTES),
      router: appRouter,
      createContext: createRequestContext,
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path}:`, error.cause ?? error);
      },
    }),
  );
}

export { handler as GET, handler as POST };
