import { and, count, desc, eq, gte, ilike, lte, or, type SQL } from "drizzle-orm";
import { alias, type PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { persons, resultViews } from "@/db/schema";
import { VIEW_LOG_ROLES } from "../access/roles";
import { hasRole } from "../access/scope";
import type { SessionUser } from "../auth/users";
import { badRequest, DomainError } from "../kernel/errors";
import { containsPattern, offsetOf, pageInput, type Page } from "../kernel/paging";
import { beijingDayEnd, beijingDayStart } from "../kernel/time";
import { parseInput } from "../kernel/validate";

/**
 * Who looked (result_views): every view of one teacher's results, appraisal or comments by
 * anyone other than that teacher, on a page or in an export, is logged with who, in which
 * role, when and what. The log is append-only (a database trigger refuses update and delete)
 * and read only by its subject and the system administrator.
 */
export async function logView(
  db: DbOrTx,
  now: () => Date,
  v: { subjectId: number; viewer: SessionUser; role: string; what: string; detail?: Record<string, unknown> },
) {
  if (v.viewer.id === v.subjectId) return;
  await db
    .insert(resultViews)
    .values({ subjectId: v.subjectId, viewerId: v.viewer.id, viewerRole: v.role, at: now(), what: v.what, detail: v.detail ?? null });
}

/** Several subjects viewed at once (an export of a year): one row each. */
export async function logViews(
  db: DbOrTx,
  now: () => Date,
  subjectIds: readonly number[],
  viewer: SessionUser,
  role: string,
  what: string,
) {
  const at = now();
  const rows = subjectIds
    .filter((id) => id !== viewer.id)
    .map((subjectId) => ({ subjectId, viewerId: viewer.id, viewerRole: role, at, what }));
  for (let i = 0; i < rows.length; i += 1000) await db.insert(resultViews).values(rows.slice(i, i + 1000));
}

export async function viewsOf(db: DbOrTx, reader: SessionUser, subjectId: number) {
  if (reader.id !== subjectId && !hasRole(reader, ...VIEW_LOG_ROLES)) throw new DomainError("FORBIDDEN", "errors.forbidden");
  return db
    .select({
      at: resultViews.at,
      role: resultViews.viewerRole,
      what: resultViews.what,
      viewer: persons.name,
      viewerNumber: persons.number,
    })
    .from(resultViews)
    .leftJoin(persons, eq(persons.id, resultViews.viewerId))
    .where(eq(resultViews.subjectId, subjectId))
    .orderBy(desc(resultViews.at), desc(resultViews.id))
    .limit(500);
}

/** A Beijing calendar day, "YYYY-MM-DD", that exists. */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  });

/**
 * The whole log, for the system administrator's page (/admin/view-log): newest first, paged,
 * filtered by the teacher looked at (`q`: staff number or a part of the name), the viewer (the
 * same) and a range of Beijing days (`from`, `to`, both included).
 */
export const viewLogInput = pageInput
  .extend({
    viewer: z.string().trim().max(100).optional(),
    from: calendarDate.optional(),
    to: calendarDate.optional(),
  })
  .strict();
export type ViewLogInput = z.input<typeof viewLogInput>;

export type ViewLogRow = {
  id: number;
  at: Date;
  what: string;
  role: string;
  subjectId: number;
  subjectNumber: string;
  subjectName: string;
  viewerId: number | null;
  viewerNumber: string | null;
  viewerName: string | null;
};

export async function viewLog(db: DbOrTx, reader: SessionUser, raw: ViewLogInput): Promise<Page<ViewLogRow>> {
  if (!hasRole(reader, ...VIEW_LOG_ROLES)) throw new DomainError("FORBIDDEN", "errors.forbidden");
  const input = parseInput(viewLogInput, raw);
  if (input.from && input.to && input.from > input.to)
    throw badRequest("appraisal.errors.viewLogDates", { from: input.from, to: input.to });
  const subject = alias(persons, "subject");
  const viewer = alias(persons, "viewer");
  const who = (p: { number: PgColumn; name: PgColumn }, q: string) => or(eq(p.number, q), ilike(p.name, containsPattern(q)));
  const where: (SQL | undefined)[] = [
    input.q ? who(subject, input.q) : undefined,
    input.viewer ? who(viewer, input.viewer) : undefined,
    input.from ? gte(resultViews.at, beijingDayStart(input.from)) : undefined,
    input.to ? lte(resultViews.at, beijingDayEnd(input.to)) : undefined,
  ];
  const cond = and(...where);
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: resultViews.id,
        at: resultViews.at,
        what: resultViews.what,
        role: resultViews.viewerRole,
        subjectId: resultViews.subjectId,
        subjectNumber: subject.number,
        subjectName: subject.name,
        viewerId: resultViews.viewerId,
        viewerNumber: viewer.number,
        viewerName: viewer.name,
      })
      .from(resultViews)
      .innerJoin(subject, eq(subject.id, resultViews.subjectId))
      .leftJoin(viewer, eq(viewer.id, resultViews.viewerId))
      .where(cond)
      .orderBy(desc(resultViews.at), desc(resultViews.id))
      .limit(input.pageSize)
      .offset(offsetOf(input)),
    db
      .select({ n: count() })
      .from(resultViews)
      .innerJoin(subject, eq(subject.id, resultViews.subjectId))
      .leftJoin(viewer, eq(viewer.id, resultViews.viewerId))
      .where(cond),
  ]);
  return { items, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}
