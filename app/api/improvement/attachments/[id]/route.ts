import { currentUser } from "@/server/api/server";
import { getDb } from "@/server/db";
import { attachmentRoute } from "@/server/http/route";
import { orderAttachment } from "@/server/improvement/queries";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/improvement/attachments/<id>: an order's attachment, for whoever may see the order
// (else 404), through the one attachment download route (server/http/route.ts attachmentRoute).
export const GET = attachmentRoute({
  user: currentUser,
  idAt: 1,
  badId: "improvement.errors.notFound",
  fallback: "attachment",
  read: async (user, id) => orderAttachment(await getDb(), user, id),
});
