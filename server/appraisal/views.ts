import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { persons, resultViews } from "@/db/schema";
import type { SessionUser } from "../auth/users";
import { DomainError } from "../kernel/errors";

/**
 * Who looked (result_views): every view of one teacher's results, appraisal or comments by
 * anyone other than that teacher, on a page or in an export, is logged with who, in which
 * role, when and what. The log is append-only (a database trigger refuses update and delete)
 * and read only by its subject and the system administrator.
 */
export async function logView(db: DbOrTx, now: () => Date, v: { subjectId: number; viewer: SessionUser; role: string; what: string; detail?: Record<string, unknown> }) {
  if (v.viewer.id === v.subjectId) return;
  await db.insert(resultViews).values({ subjectId: v.subjectId, viewerId: v.viewer.id, viewerRole: v.role, at: now(), what: v.what, detail: v.detail ?? null });
}

/** Several subjects viewed at once (an export of a year): one row each. */
export async function logViews(db: DbOrTx, now: () => Date, subjectIds: readonly number[], viewer: SessionUser, role: string, what: string) {
  const at = now();
  const rows = subjectIds.filter((id) => id !== viewer.id).map((subjectId) => ({ subjectId, viewerId: viewer.id, viewerRole: role, at, what }));
  for (let i = 0; i < rows.length; i += 1000) await db.insert(resultViews).values(rows.slice(i, i + 1000));
}

export async function viewsOf(db: DbOrTx, reader: SessionUser, subjectId: number) {
  const admin = reader.roles.some((g) => g.role === "sys_admin");
  if (reader.id !== subjectId && !admin) throw new DomainError("FORBIDDEN", "errors.forbidden");
  return db.select({ at: resultViews.at, role: resultViews.viewerRole, what: resultViews.what, viewer: persons.name, viewerNumber: persons.number })
    .from(resultViews).leftJoin(persons, eq(persons.id, resultViews.viewerId))
    .where(eq(resultViews.subjectId, subjectId)).orderBy(desc(resultViews.at), desc(resultViews.id)).limit(500);
}
