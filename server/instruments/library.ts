import type { DbOrTx } from "@/db/client";
import { DomainError } from "../kernel/errors";
import type { Locale } from "../i18n/messages";
import { approveVersion, createVersion, getVersion, type CreateResult } from "./versions";

export const LIBRARY_NOTE =
  "随平台评价工具库导入，视同专家组审议通过 / Imported with the platform's instrument library, as approved by the committee";

export type LibraryResult = CreateResult & { approved: boolean };

/**
 * Imports instrument files (a list, or the registry: `importLibrary(db, loadRegistry(), …)`
 * for surveys/*.json) as versions, in one
 * transaction: a bad file imports nothing. Idempotent: a file equal to a stored version is
 * "unchanged". With `approvedBy`, each imported version still in draft is approved by
 * that person with `note` (the demo does this as if the committee had approved); a draft
 * older than an approved version is left as it is.
 */
export async function importLibrary(
  db: DbOrTx,
  files: readonly unknown[] | Readonly<Record<string, unknown>>,
  opts: { approvedBy?: number; note?: string; actorId?: number | null; locale?: Locale; now?: Date } = {},
): Promise<LibraryResult[]> {
  return db.transaction(async (tx) => {
    const out: LibraryResult[] = [];
    for (const raw of Array.isArray(files) ? files : Object.values(files)) {
      const res = await createVersion(tx, raw, opts.actorId ?? opts.approvedBy ?? null, opts.locale ?? "zh");
      let approved = false;
      if (opts.approvedBy !== undefined) {
        const v = await getVersion(tx, res.versionId);
        if (v.status === "draft") {
          try {
            await approveVersion(tx, res.versionId, opts.approvedBy, opts.note ?? LIBRARY_NOTE, opts.now);
            approved = true;
          } catch (e) {
            if (!(e instanceof DomainError && e.kind === "CONFLICT")) throw e;
          }
        } else approved = v.status === "approved";
      }
      out.push({ ...res, approved });
    }
    return out;
  });
}
