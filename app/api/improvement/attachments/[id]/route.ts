import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { DomainError } from "@/server/kernel/errors";
import { downloadResponse, idParam, routeHandler } from "@/server/http/route";
import { orderAttachment } from "@/server/improvement/queries";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/improvement/attachments/<id>: an order's attachment, for whoever may see the order.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const id = idParam(new URL(req.url).pathname.split("/").at(-1), "improvement.errors.notFound");
  const a = await orderAttachment(await getDb(), user, id);
  return downloadResponse({ bytes: a.content, mime: a.mime, name: a.name, fallback: `attachment-${id}` });
});
