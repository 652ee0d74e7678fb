import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { instruments, instrumentVersions, terms, units } from "@/db/schema";

/**
 * What the quality office chooses from when it starts an inspection: the terms (current
 * first), the approved versions of inspection checklists (latest approved first) and the
 * active colleges and departments (the units that fill in a checklist).
 */
export async function inspectionFormOptions(db: DbOrTx) {
  const termRows = await db
    .select({ id: terms.id, code: terms.code, isCurrent: terms.isCurrent })
    .from(terms)
    .orderBy(desc(terms.isCurrent), desc(terms.startsOn));
  const versions = await db
    .select({ id: instrumentVersions.id, version: instrumentVersions.version, name: instruments.name, nameEn: instruments.nameEn })
    .from(instrumentVersions)
    .innerJoin(instruments, eq(instruments.id, instrumentVersions.instrumentId))
    .where(and(eq(instrumentVersions.status, "approved"), eq(instruments.kind, "inspection")))
    .orderBy(desc(instrumentVersions.approvedAt), desc(instrumentVersions.id));
  const unitRows = await db
    .select({ id: units.id, code: units.code, name: units.name, nameEn: units.nameEn })
    .from(units)
    .where(and(eq(units.active, true), inArray(units.kind, ["college", "department"])))
    .orderBy(asc(units.code));
  return { terms: termRows, versions, units: unitRows };
}
