import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { instrumentVersions } from "@/db/schema";
import { freshSchool, type School } from "../test/fixtures";
import { importLibrary, LIBRARY_NOTE } from "./library";
import { loadRegistry } from "./registry";
import { diffVersion, listInstruments, requireApprovedVersion } from "./versions";

let db: Db;
let s: School;
beforeEach(async () => {
  ({ db, s } = await freshSchool());
});

describe("importLibrary with the instrument library (surveys/)", () => {
  it("imports every instrument as an approved v1, and a second run changes nothing", async () => {
    const registry = loadRegistry();
    const keys = Object.keys(registry);
    expect(keys.length).toBeGreaterThan(0);
    const first = await importLibrary(db, registry, { approvedBy: s.people.quality.id });
    expect(first.map((r) => [r.key, r.status, r.version, r.approved])).toEqual(keys.map((k) => [k, "created", 1, true]));
    for (const r of first) {
      const v = await requireApprovedVersion(db, r.versionId);
      expect(v.file).toEqual(registry[r.key]);
      expect((await diffVersion(db, r.versionId)).diff).toBeNull();
    }
    const list = await listInstruments(db);
    expect(list.every((i) => i.approved?.version === 1 && i.latest?.status === "approved")).toBe(true);
    const [row] = await db.select().from(instrumentVersions).limit(1);
    expect(row).toMatchObject({ approvedBy: s.people.quality.id, approvalNote: LIBRARY_NOTE });

    const again = await importLibrary(db, registry, { approvedBy: s.people.quality.id });
    expect(again.every((r) => r.status === "unchanged" && r.approved)).toBe(true);
    expect(await db.select().from(instrumentVersions)).toHaveLength(keys.length);
  });
});
