import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { DomainError } from "@/server/kernel/errors";
import { idParam, routeHandler } from "@/server/http/route";
import { orderAttachment } from "@/server/improvement/queries";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/improvement/attachments/<id>: an order's attachment, for whoever may see the order.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const id = idParam(new URL(req.url).pathname.split("/").at(-1), "improvement.errors.notFound");
  const a = await orderAttachment(await getDb(), user, id);
  return new Response(new Uint8Array(a.content), {
    headers: {
      "content-type": a.mime,
      "content-disposition": `attachment; filename="attachment-${id}"; filename*=UTF-8''${encodeURIComponent(a.name)}`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
