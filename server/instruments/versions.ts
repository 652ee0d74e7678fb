import { createHash } from "node:crypto";
import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { one } from "@/db/query";
import { instrumentVersions, instruments } from "@/db/schema";
import { DomainError, notFound } from "../kernel/errors";
import { lifecycle, selectWithPeople } from "../kernel/lifecycle";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { checkInstrument, describeProblem } from "./check";
import { compilePlan, PlanError, type Plan } from "./plan";
import { getPlan } from "./validate";
import { canonicalJson, diffVersions, type VersionDiff } from "./diff";
import type { InstrumentFile } from "./format";

/**
 * Instruments live in the database as immutable versions (see db/schema/instruments.ts),
 * each instrument a series of the shared lifecycle (server/kernel/lifecycle.ts):
 *
 * - createVersion: a checked instrument file becomes the next version of the instrument
 *   with its key, as a draft. The same content again (sha256 of its canonical JSON, equal
 *   to any version of that instrument) is "unchanged" and stores nothing. A file whose
 *   kind differs from the instrument's is refused. A file with problems is refused with
 *   them, described in the caller's language, and nothing is stored.
 * - approveVersion: the committee's approval (who, when, a note of 1–2000 characters) is
 *   recorded once, on a draft only, and not on a draft older than a version already
 *   approved (that would make an outdated text current again). Earlier approved versions
 *   stay approved until retired: campaigns take the latest approved one by default.
 * - retireVersion: an approved version (or a draft withdrawn without approval) is retired
 *   for good: no new campaign may use it; campaigns that already use it keep it.
 * - requireApprovedVersion: what campaigns call to use a version; refuses anything but
 *   an approved one.
 */

export const NOTE_MAX = 2000;

/** The lifecycle of instrument versions: a series per instrument. */
export const instrumentLifecycle = lifecycle({
  table: instrumentVersions,
  series: "instrumentId",
  codes: {
    notFound: "instruments.errors.versionNotFound",
    noteRequired: "instruments.errors.noteRequired",
    alreadyApproved: "instruments.errors.alreadyApproved",
    alreadyRetired: "instruments.errors.alreadyRetired",
    newerApproved: "instruments.errors.newerApproved",
    notApproved: "instruments.errors.notApproved",
  },
  audit: { action: "instrument.version", subject: (v) => `${v.instrumentId} v${v.version}`, idKey: "versionId" },
  noteMax: NOTE_MAX,
  lockKey: "instrument",
});
/** The largest instrument file accepted (characters of its JSON). */
export const FILE_MAX_CHARS = 2_000_000;

export type DescribedProblem = { path: string; message: string };

export type CreateResult = {
  status: "created" | "unchanged";
  instrumentId: number;
  versionId: number;
  version: number;
  key: string;
};

/** sha256 (hex) of the canonical JSON of a checked instrument file. */
export function instrumentHash(file: InstrumentFile): string {
  return createHash("sha256").update(canonicalJson(file)).digest("hex");
}

/** Checks a raw file: the checked file, or its problems described in `locale`. */
export function checkFile(raw: unknown, locale: Locale): { ok: true; file: InstrumentFile } | { ok: false; problems: DescribedProblem[] } {
  const size = (() => {
    try {
      return JSON.stringify(raw)?.length ?? 0;
    } catch {
      return Infinity;
    }
  })();
  if (size > FILE_MAX_CHARS) {
    return { ok: false, problems: [{ path: "", message: translate(locale, "instruments.errors.tooLarge", { max: FILE_MAX_CHARS }) }] };
  }
  const res = checkInstrument(raw);
  if (res.ok) {
    // Only what the server can validate exactly may be used: the plan must compile.
    try {
      compilePlan(res.file.survey);
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      return {
        ok: false,
        problems: [{ path: "survey", message: translate(locale, "instruments.errors.notValidatable", { detail: e.message }) }],
      };
    }
    return { ok: true, file: res.file };
  }
  // The path apart from the sentence, so the page can show it as code.
  return { ok: false, problems: res.problems.map((p) => ({ path: p.path, message: describeProblem({ ...p, path: "" }, locale) })) };
}

function refuseProblems(problems: DescribedProblem[]): never {
  throw new DomainError("BAD_REQUEST", "instruments.errors.invalidFile", { count: problems.length }, problems);
}

/**
 * For the live editor: the problems of a file (empty when it may be uploaded), whether
 * its kind clashes with the instrument of the same key, and the version it equals if any.
 */
export async function checkUpload(db: DbOrTx, raw: unknown, locale: Locale) {
  const res = checkFile(raw, locale);
  if (!res.ok) return { ok: false as const, problems: res.problems, sameAs: null };
  const file = res.file;
  const [inst] = await db.select().from(instruments).where(eq(instruments.key, file.key));
  if (inst && inst.kind !== file.kind) {
    return {
      ok: false as const,
      sameAs: null,
      problems: [
        {
          path: "kind",
          message: translate(locale, "instruments.errors.kindMismatch", {
            key: file.key,
            kind: translate(locale, `instruments.kinds.${inst.kind}`),
          }),
        },
      ],
    };
  }
  const same = inst
    ? (
        await db
          .select({ id: instrumentVersions.id, version: instrumentVersions.version })
          .from(instrumentVersions)
          .where(and(eq(instrumentVersions.instrumentId, inst.id), eq(instrumentVersions.hash, instrumentHash(file))))
      )[0]
    : undefined;
  return { ok: true as const, problems: [] as DescribedProblem[], sameAs: same ?? null };
}

/** Stores a checked instrument file as the instrument's next version (a draft). */
export async function createVersion(db: DbOrTx, raw: unknown, actorId: number | null, locale: Locale = "zh"): Promise<CreateResult> {
  const res = checkFile(raw, locale);
  if (!res.ok) refuseProblems(res.problems);
  const file = res.file;
  const hash = instrumentHash(file);
  return db.transaction(async (tx) => {
    await tx
      .insert(instruments)
      .values({ key: file.key, kind: file.kind, name: file.name.zh, nameEn: file.name.en })
      .onConflictDoNothing({ target: instruments.key });
    // The lock serialises version numbers of one instrument.
    const inst = one(await tx.select().from(instruments).where(eq(instruments.key, file.key)).for("update"));
    if (inst.kind !== file.kind) {
      throw new DomainError("CONFLICT", "instruments.errors.kindMismatch", {
        key: file.key,
        kind: translate(locale, `instruments.kinds.${inst.kind}`),
      });
    }
    const made = await instrumentLifecycle.create(tx, {
      series: inst.id,
      hash,
      actorId,
      subject: (version) => `${file.key} v${version}`,
      values: {
        definition: file,
        indicators: { indicators: file.indicators, items: file.items, unscored: file.unscored ?? [] },
      },
    });
    // The instrument is listed under its latest version's name.
    if (made.status === "created")
      await tx.update(instruments).set({ name: file.name.zh, nameEn: file.name.en }).where(eq(instruments.id, inst.id));
    return { status: made.status, instrumentId: inst.id, versionId: made.id, version: made.version, key: file.key };
  });
}

const versionColumns = {
  id: instrumentVersions.id,
  instrumentId: instrumentVersions.instrumentId,
  version: instrumentVersions.version,
  status: instrumentVersions.status,
  hash: instrumentVersions.hash,
  createdAt: instrumentVersions.createdAt,
  approvedAt: instrumentVersions.approvedAt,
  approvalNote: instrumentVersions.approvalNote,
  retiredAt: instrumentVersions.retiredAt,
  indicatorCount: sql<number>`jsonb_array_length(${instrumentVersions.indicators}->'indicators')`.mapWith(Number),
  itemCount: sql<number>`jsonb_array_length(${instrumentVersions.indicators}->'items')`.mapWith(Number),
};

function versionsQuery(db: DbOrTx) {
  return selectWithPeople(db, instrumentVersions, versionColumns);
}

export type VersionSummary = Awaited<ReturnType<typeof versionsQuery>>[number];

/** Every instrument with its latest version and its current (latest approved) version. */
export async function listInstruments(db: DbOrTx) {
  const list = await db.select().from(instruments).orderBy(asc(instruments.kind), asc(instruments.key));
  const versions = await db
    .select({
      id: instrumentVersions.id,
      instrumentId: instrumentVersions.instrumentId,
      version: instrumentVersions.version,
      status: instrumentVersions.status,
      createdAt: instrumentVersions.createdAt,
      approvedAt: instrumentVersions.approvedAt,
    })
    .from(instrumentVersions)
    .orderBy(asc(instrumentVersions.version));
  return list.map((i) => {
    const own = versions.filter((v) => v.instrumentId === i.id);
    const approved = own.filter((v) => v.status === "approved");
    return {
      id: i.id,
      key: i.key,
      kind: i.kind,
      name: i.name,
      nameEn: i.nameEn,
      versionCount: own.length,
      latest: own.at(-1) ?? null,
      approved: approved.at(-1) ?? null,
    };
  });
}

/** One instrument with all its versions, newest first. */
export async function getInstrument(db: DbOrTx, id: number) {
  const [inst] = await db.select().from(instruments).where(eq(instruments.id, id));
  if (!inst) throw notFound("instruments.errors.notFound");
  const versions = await versionsQuery(db).where(eq(instrumentVersions.instrumentId, id)).orderBy(desc(instrumentVersions.version));
  const approved = versions.find((v) => v.status === "approved") ?? null;
  return { ...inst, versions, currentApprovedId: approved?.id ?? null };
}

/** One version with its instrument file (for the preview and the editor). */
export async function getVersion(db: DbOrTx, id: number) {
  const [v] = await versionsQuery(db).where(eq(instrumentVersions.id, id));
  if (!v) throw notFound("instruments.errors.versionNotFound");
  const row = one(
    await db.select({ definition: instrumentVersions.definition }).from(instrumentVersions).where(eq(instrumentVersions.id, id)),
  );
  const inst = one(await db.select().from(instruments).where(eq(instruments.id, v.instrumentId)));
  const [prev] = await db
    .select({ id: instrumentVersions.id, version: instrumentVersions.version })
    .from(instrumentVersions)
    .where(and(eq(instrumentVersions.instrumentId, v.instrumentId), lt(instrumentVersions.version, v.version)))
    .orderBy(desc(instrumentVersions.version))
    .limit(1);
  return {
    ...v,
    instrument: { id: inst.id, key: inst.key, kind: inst.kind, name: inst.name, nameEn: inst.nameEn },
    file: row.definition as unknown as InstrumentFile,
    previous: prev ?? null,
  };
}

/**
 * The diff of a version against another version of the same instrument (default: the
 * previous one). `base` is null for a first version.
 */
export async function diffVersion(
  db: DbOrTx,
  id: number,
  against?: number,
): Promise<{
  base: { id: number; version: number } | null;
  target: { id: number; version: number };
  diff: VersionDiff | null;
}> {
  const [v] = await db.select().from(instrumentVersions).where(eq(instrumentVersions.id, id));
  if (!v) throw notFound("instruments.errors.versionNotFound");
  let base;
  if (against !== undefined) {
    [base] = await db.select().from(instrumentVersions).where(eq(instrumentVersions.id, against));
    if (!base || base.instrumentId !== v.instrumentId) throw notFound("instruments.errors.versionNotFound");
  } else {
    [base] = await db
      .select()
      .from(instrumentVersions)
      .where(and(eq(instrumentVersions.instrumentId, v.instrumentId), lt(instrumentVersions.version, v.version)))
      .orderBy(desc(instrumentVersions.version))
      .limit(1);
  }
  const target = { id: v.id, version: v.version };
  if (!base) return { base: null, target, diff: null };
  return {
    base: { id: base.id, version: base.version },
    target,
    diff: diffVersions(base.definition as unknown as InstrumentFile, v.definition as unknown as InstrumentFile),
  };
}

/** Records the committee's approval of a draft: once, with who, when and a note. */
export async function approveVersion(db: DbOrTx, versionId: number, actorId: number, note: string, now: Date = new Date()) {
  const v = await instrumentLifecycle.approve(db, versionId, actorId, note, now);
  return { id: v.id, version: v.version, approvedAt: v.approvedAt };
}

/** Retires an approved version (or withdraws a draft) for good. */
export async function retireVersion(db: DbOrTx, versionId: number, actorId: number, now: Date = new Date()) {
  const v = await instrumentLifecycle.retire(db, versionId, actorId, now);
  return { id: v.id, version: v.version, retiredAt: v.retiredAt };
}

/** The version a campaign may use: approved, or a DomainError (not found / not approved). */
export async function requireApprovedVersion(db: DbOrTx, versionId: number) {
  const v = await instrumentLifecycle.requireApproved(db, versionId);
  return {
    id: v.id,
    instrumentId: v.instrumentId,
    version: v.version,
    approvedAt: v.approvedAt as Date,
    file: v.definition as unknown as InstrumentFile,
  };
}

/**
 * The compiled validation plan of a version: what every submit path checks answers
 * with. Compiled once per version (versions never change) and cached.
 */
export async function planOfVersion(db: DbOrTx, versionId: number): Promise<Plan> {
  return getPlan(versionId, async () => {
    const [row] = await db
      .select({ definition: instrumentVersions.definition })
      .from(instrumentVersions)
      .where(eq(instrumentVersions.id, versionId));
    if (!row) throw notFound("instruments.errors.versionNotFound");
    return (row.definition as unknown as InstrumentFile).survey;
  }).catch((e: unknown) => {
    // Upload refuses files whose plan does not compile; this guards older rows.
    if (e instanceof PlanError) throw new DomainError("BAD_REQUEST", "instruments.errors.notValidatable", { detail: e.message });
    throw e;
  });
}
