import { asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { campaignTargets, observationAssignments, units } from "@/db/schema";
import { col, queryRows, one } from "@/db/query";
import { atKey } from "@/server/shared/indexed";
import { DomainError } from "../kernel/errors";
import { generateOptionsInput, syncSectionTargets } from "./assign";
import { parseInput } from "../kernel/validate";
import { assertDraft, getCampaignRow } from "./campaigns";
import { INSTRUMENT_KIND_FOR, OBSERVER_GROUPS, SECTION_KINDS, type ObserverGroup } from "./kinds";

/**
 * Observation rounds (听课评课): assigns observers to the campaign's sections.
 *
 * Who may observe a section (never one of its own teachers, assistants included):
 * - supervisor: a school-level supervisor anywhere; a unit supervisor within their unit
 *   (the unit offering the course is that unit or under it);
 * - leader: the same rule for leaders (school leaders anywhere, unit leaders in their unit);
 * - peer: an active teacher of the same teaching office as one of the section's teachers,
 *   or of the same college as the course (same office preferred).
 * A person eligible through several groups observes under the first group listed.
 *
 * The plan: each section gets `perSection` distinct observers where possible, no observer
 * more than `quotaPerObserver` sections, the load balanced (the least loaded eligible
 * observer is taken first, ties broken by a seeded hash, most constrained sections first),
 * then sections still short are repaired along augmenting paths (an observer moves to
 * another section they may observe to free a place). Deterministic for a given seed.
 * An observer assigned to a section gets one assignment per teacher target of the section.
 * Replanning replaces the draft's observation assignments; refused once the campaign opens.
 */

export const planObservationsInput = z
  .object({
    perSection: z.number().int().min(1, "campaigns.errors.badPerSection").max(20, "campaigns.errors.badPerSection"),
    quotaPerObserver: z.number().int().min(1, "campaigns.errors.badQuota").max(1000, "campaigns.errors.badQuota"),
    groups: z
      .array(z.enum(OBSERVER_GROUPS, "campaigns.errors.badRaterGroup"))
      .min(1, "campaigns.errors.badRaterGroup")
      .refine((g) => new Set(g).size === g.length, "campaigns.errors.duplicateRaterGroup"),
    seed: z.number().int().default(1),
    // When the campaign has no targets yet: the exclusions to make them with.
    exclusions: generateOptionsInput.omit({ raterGroups: true }).optional(),
  })
  .strict();

export type PlanObservationsOptions = z.input<typeof planObservationsInput>;

export type ObservationPlan = {
  sections: number;
  visits: number; // observer × section
  assignments: number; // rows (× teacher targets)
  byGroup: Partial<Record<ObserverGroup, number>>;
  load: { observers: number; min: number; max: number };
  short: { sectionId: number; sectionCode: string; assigned: number; candidates: number }[];
};

// A 32-bit hash of integers (FNV-1a on their bytes); deterministic tie-breaking.
function hash(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    let v = x | 0;
    for (let i = 0; i < 4; i++) {
      h ^= v & 0xff;
      h = Math.imul(h, 0x01000193);
      v >>>= 8;
    }
  }
  return h >>> 0;
}

type Candidate = { person: number; group: ObserverGroup; tier: number };

export async function planObservations(db: DbOrTx, campaignId: number, raw: PlanObservationsOptions): Promise<ObservationPlan> {
  const o = parseInput(planObservationsInput, raw);
  return db.transaction(async (tx) => {
    const c = await getCampaignRow(tx, campaignId, { lock: true });
    assertDraft(c);
    if (!SECTION_KINDS.includes(c.kind)) throw new DomainError("BAD_REQUEST", "campaigns.errors.kindNotObserved", { kind: c.kind });
    for (const g of o.groups) {
      if (!INSTRUMENT_KIND_FOR[c.kind][g])
        throw new DomainError("BAD_REQUEST", "campaigns.errors.groupNotForKind", { group: g, kind: c.kind });
    }
    const { n } = one(await tx.select({ n: count() }).from(campaignTargets).where(eq(campaignTargets.campaignId, c.id)));
    if (n === 0) await syncSectionTargets(tx, c, parseInput(generateOptionsInput, o.exclusions ?? {}));

    // The unit tree: each unit's ancestors (itself included) and its college.
    const unitRows = await tx.select({ id: units.id, parentId: units.parentId, kind: units.kind }).from(units);
    const byId = new Map(unitRows.map((u) => [u.id, u]));
    const ancestors = (id: number | null): number[] => {
      const out: number[] = [];
      for (let u = id === null ? undefined : byId.get(id); u; u = u.parentId === null ? undefined : byId.get(u.parentId)) out.push(u.id);
      return out;
    };
    const collegeOf = (id: number | null) =>
      ancestors(id).find((a) => {
        const { kind } = atKey(byId, a);
        return kind === "college" || kind === "department";
      }) ?? null;

    const sectionRows = await queryRows(
      tx,
      { section_id: col.int, code: col.text, unit_id: col.int },
      sql`
      select distinct t.section_id, s.code, co.unit_id from campaign_targets t
        join sections s on s.id = t.section_id join courses co on co.id = s.course_id
      where t.campaign_id = ${c.id} order by t.section_id`,
    );
    const teacherRows = await queryRows(
      tx,
      { section_id: col.int, person_id: col.int, unit_id: col.int.nullable },
      sql`
      select st.section_id, st.person_id, p.unit_id from section_teachers st join persons p on p.id = st.person_id
      where st.section_id in (select section_id from campaign_targets where campaign_id = ${c.id})`,
    );
    const grantRows = await queryRows(
      tx,
      { person_id: col.int, role: col.text, grant_unit: col.int.nullable, person_unit: col.int.nullable },
      sql`
      select g.person_id, g.role::text as role, g.unit_id as grant_unit, p.unit_id as person_unit
      from role_grants g join persons p on p.id = g.person_id and p.active and p.kind = 'staff'
      where g.role in ('supervisor', 'leader', 'teacher') order by g.person_id`,
    );

    const teachersOf = new Map<number, { person: number; unit: number | null }[]>();
    for (const r of teacherRows) {
      const sid = r.section_id;
      let teachers = teachersOf.get(sid);
      if (teachers === undefined) teachersOf.set(sid, (teachers = []));
      teachers.push({ person: r.person_id, unit: r.unit_id });
    }

    // Candidates per section, the first listed group winning for a person in several.
    const sections = sectionRows.map((s) => ({ id: s.section_id, code: s.code, unit: s.unit_id }));
    const candidates = new Map<number, Candidate[]>();
    for (const s of sections) {
      const own = teachersOf.get(s.id) ?? [];
      const ownIds = new Set(own.map((t) => t.person));
      const ownOffices = new Set(own.map((t) => t.unit).filter((u): u is number => u !== null));
      const up = new Set(ancestors(s.unit));
      const college = collegeOf(s.unit);
      const best = new Map<number, Candidate>();
      for (const [rank, group] of o.groups.entries()) {
        for (const g of grantRows) {
          const person = g.person_id;
          if (ownIds.has(person) || best.has(person)) continue;
          const grantUnit = g.grant_unit;
          const personUnit = g.person_unit;
          if (group === "peer") {
            if (g.role !== "teacher" || personUnit === null) continue;
            const tier = ownOffices.has(personUnit) ? 0 : college !== null && collegeOf(personUnit) === college ? 1 : -1;
            if (tier >= 0) best.set(person, { person, group, tier: rank * 10 + tier });
          } else if (g.role === group && (grantUnit === null || up.has(grantUnit))) {
            best.set(person, { person, group, tier: rank * 10 });
          }
        }
      }
      candidates.set(s.id, [...best.values()]);
    }

    // Greedy rounds: most constrained sections first; least loaded observer, then preferred tier, then hash.
    const N = o.perSection;
    const Q = o.quotaPerObserver;
    const load = new Map<number, number>();
    const on = new Map<number, Map<number, Candidate>>(sections.map((s) => [s.id, new Map()])); // section → observer → candidate
    const sectionsOf = new Map<number, Set<number>>(); // observer → sections
    const place = (sid: number, cand: Candidate) => {
      atKey(on, sid).set(cand.person, cand);
      load.set(cand.person, (load.get(cand.person) ?? 0) + 1);
      let observed = sectionsOf.get(cand.person);
      if (observed === undefined) sectionsOf.set(cand.person, (observed = new Set()));
      observed.add(sid);
    };
    const unplace = (sid: number, person: number) => {
      atKey(on, sid).delete(person);
      load.set(person, atKey(load, person) - 1);
      atKey(sectionsOf, person).delete(sid);
    };
    const order = [...sections].sort(
      (a, b) => atKey(candidates, a.id).length - atKey(candidates, b.id).length || hash(o.seed, a.id) - hash(o.seed, b.id) || a.id - b.id,
    );
    for (let round = 1; round <= N; round++) {
      for (const s of order) {
        const here = atKey(on, s.id);
        if (here.size >= round) continue;
        let pick: Candidate | null = null;
        let pickKey: [number, number, number] | null = null;
        for (const cand of atKey(candidates, s.id)) {
          const l = load.get(cand.person) ?? 0;
          if (l >= Q || here.has(cand.person)) continue;
          const key: [number, number, number] = [l, cand.tier, hash(o.seed, s.id, cand.person)];
          if (
            !pickKey ||
            key[0] < pickKey[0] ||
            (key[0] === pickKey[0] && (key[1] < pickKey[1] || (key[1] === pickKey[1] && key[2] < pickKey[2])))
          ) {
            pick = cand;
            pickKey = key;
          }
        }
        if (pick) place(s.id, pick);
      }
    }

    // Repair: for a section still short, an augmenting path s ← o1 (moved from s2) ← o2 … ← ok (spare quota).
    const candOf = (sid: number, person: number) => {
      const cand = atKey(candidates, sid).find((x) => x.person === person);
      if (cand === undefined) throw new RangeError(`observer ${person} is no candidate of section ${sid}`);
      return cand;
    };
    for (const s of order) {
      while (atKey(on, s.id).size < N) {
        const parent = new Map<number, { section: number; prev: number | null }>();
        const queue: number[] = [];
        const sortedCands = (sid: number) =>
          [...atKey(candidates, sid)].sort((a, b) => hash(o.seed, sid, a.person) - hash(o.seed, sid, b.person));
        for (const cand of sortedCands(s.id)) {
          if (atKey(on, s.id).has(cand.person)) continue;
          parent.set(cand.person, { section: s.id, prev: null });
          queue.push(cand.person);
        }
        let end: number | null = null;
        while (queue.length && end === null) {
          const p = queue.shift();
          if (p === undefined) break;
          if ((load.get(p) ?? 0) < Q) {
            end = p;
            break;
          }
          for (const s2 of [...(sectionsOf.get(p) ?? [])].sort((a, b) => a - b)) {
            if (s2 === s.id) continue;
            for (const cand of sortedCands(s2)) {
              if (parent.has(cand.person) || atKey(on, s2).has(cand.person)) continue;
              parent.set(cand.person, { section: s2, prev: p });
              queue.push(cand.person);
            }
          }
        }
        if (end === null) break;
        // Apply the path on a copy of the moves (an observer placed on a section, or taken off
        // one); give up on this section if it would duplicate.
        const placed: { person: number; to: number }[] = [];
        const removed: { person: number; from: number }[] = [];
        for (let cur: number | null = end; cur !== null;) {
          const { section, prev }: { section: number; prev: number | null } = atKey(parent, cur);
          placed.push({ person: cur, to: section });
          if (prev !== null) removed.push({ person: prev, from: section });
          cur = prev;
        }
        const ok = placed.every((m) => !atKey(on, m.to).has(m.person) || removed.some((x) => x.person === m.person && x.from === m.to));
        if (!ok) break;
        for (const m of removed) unplace(m.from, m.person);
        for (const m of placed) place(m.to, candOf(m.to, m.person));
      }
    }

    // Store: one row per observer × teacher target of the section.
    await tx.execute(
      sql`delete from observation_assignments o using campaign_targets t where t.id = o.target_id and t.campaign_id = ${c.id}`,
    );
    const targets = await tx
      .select({ id: campaignTargets.id, sectionId: campaignTargets.sectionId })
      .from(campaignTargets)
      .where(eq(campaignTargets.campaignId, c.id))
      .orderBy(asc(campaignTargets.id));
    const targetsOf = new Map<number, number[]>();
    for (const t of targets) {
      if (t.sectionId === null) continue;
      let ofSection = targetsOf.get(t.sectionId);
      if (ofSection === undefined) targetsOf.set(t.sectionId, (ofSection = []));
      ofSection.push(t.id);
    }
    const rows: (typeof observationAssignments.$inferInsert)[] = [];
    const byGroup: Partial<Record<ObserverGroup, number>> = {};
    let visits = 0;
    for (const s of sections) {
      for (const cand of atKey(on, s.id).values()) {
        visits++;
        byGroup[cand.group] = (byGroup[cand.group] ?? 0) + 1;
        for (const targetId of targetsOf.get(s.id) ?? []) rows.push({ targetId, observerId: cand.person, raterGroup: cand.group });
      }
    }
    for (let i = 0; i < rows.length; i += 2000) await tx.insert(observationAssignments).values(rows.slice(i, i + 2000));
    const loads = [...load.values()].filter((l) => l > 0);
    return {
      sections: sections.length,
      visits,
      assignments: rows.length,
      byGroup,
      load: { observers: loads.length, min: loads.length ? Math.min(...loads) : 0, max: loads.length ? Math.max(...loads) : 0 },
      short: sections
        .filter((s) => atKey(on, s.id).size < N)
        .map((s) => ({ sectionId: s.id, sectionCode: s.code, assigned: atKey(on, s.id).size, candidates: atKey(candidates, s.id).length })),
    };
  });
}

/** The observation assignments of a campaign (for review). */
export async function listObservations(db: DbOrTx, campaignId: number) {
  return queryRows(
    db,
    { targetId: col.int, sectionId: col.int, teacherId: col.int, observerId: col.int, raterGroup: col.oneOf(OBSERVER_GROUPS) },
    sql`
    select o.target_id as "targetId", t.section_id as "sectionId", t.teacher_id as "teacherId", o.observer_id as "observerId", o.rater_group::text as "raterGroup"
    from observation_assignments o join campaign_targets t on t.id = o.target_id
    where t.campaign_id = ${campaignId} order by t.section_id, o.observer_id, o.target_id`,
  );
}
