import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";

export async function recordAudit(db: DbOrTx, e: { actorId: number | null; action: string; subject: string | null; detail?: unknown }) {
  await db.insert(auditLog).values({ actorId: e.actorId, action: e.action, subject: e.subject, detail: e.detail ?? null });
}
