import { aliasedTable, and, desc, eq, gt, isNotNull, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable, PgUpdateSetSource, SelectedFields } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import { col, one } from "@/db/query";
import { persons } from "@/db/schema";
import type { LifecycleStatus } from "@/db/schema/lifecycle";
import { recordAudit } from "./audit";
import { DomainError, notFound } from "./errors";
import type { MessageKey } from "../i18n/messages";

/**
 * The lifecycle every versioned, approved thing shares (instrument versions, scoring
 * policies, outcome models; next indicator systems and reports), over a table with
 * lifecycleColumns() (db/schema/lifecycle.ts):
 *
 * - create: the next version of a series (the instrument, the school year, the programme)
 *   as a draft, numbered 1, 2, … under a lock of the series; the same content again (its
 *   hash equal to any version of the series) is "unchanged" and stores nothing.
 * - approve: the approval (who, when, a note of 1…noteMax characters, trimmed), recorded
 *   once, on a draft only; with `codes.newerApproved`, not on a draft older than a version
 *   of its series already approved (that would make an outdated text current again).
 *   Earlier approved versions stay approved until retired: the series' current version
 *   is its latest approved one.
 * - retire: an approved version (or a draft withdrawn without approval) is retired for
 *   good; what already uses it keeps it.
 * - requireApproved: what a user of a version calls; refuses anything but an approved one.
 *
 * Each step is audited as `<audit.action>.create|approve|retire`, the subject naming the
 * version (audit.subject) and the detail its id (under audit.idKey, default "id"), the
 * note on approval and whether it was approved on retirement. Refusals are DomainErrors
 * with the thing's own message codes.
 */

/** The columns the lifecycle reads and writes: lifecycleColumns() and an id. */
export type VersionedTable = PgTable & {
  id: AnyPgColumn;
  version: AnyPgColumn;
  hash: AnyPgColumn;
  status: AnyPgColumn;
  createdBy: AnyPgColumn;
  approvedBy: AnyPgColumn;
  approvedAt: AnyPgColumn;
  approvalNote: AnyPgColumn;
  retiredBy: AnyPgColumn;
  retiredAt: AnyPgColumn;
};

/** What the lifecycle knows of every row (the table's own row type carries the rest). */
type LifecycleRow = { id: number; version: number; hash: string; status: LifecycleStatus; approvedAt: Date | null };

export type LifecycleCodes = {
  /** NOT_FOUND: no version with this id */
  notFound: MessageKey;
  /** BAD_REQUEST {max}: the approval note is empty or longer than noteMax */
  noteRequired: MessageKey;
  /** CONFLICT {version}: approving a version already approved */
  alreadyApproved: MessageKey;
  /** CONFLICT {version}: approving or retiring a retired version */
  alreadyRetired: MessageKey;
  /** CONFLICT {version, newer}: approving a draft older than an approved version (checked only when given) */
  newerApproved?: MessageKey;
  /** BAD_REQUEST {version, status}: requireApproved on a draft or a retired version */
  notApproved?: MessageKey;
};

export type LifecycleConfig<T extends VersionedTable, K extends string, R> = {
  table: T;
  /** The key of the column that groups versions into a series: versions are numbered within it. */
  series: K;
  codes: LifecycleCodes;
  audit: {
    /** e.g. "scoring.policy": the steps are audited as scoring.policy.create / .approve / .retire */
    action: string;
    /** The audit subject of a version, e.g. (p) => `${p.schoolYear} v${p.version}` */
    subject: (row: R) => string;
    /** The key of the version's id in the audit detail (default "id"). */
    idKey?: string;
  };
  /** The longest approval note (characters, after trimming); default 2000. */
  noteMax?: number;
  /** The advisory lock that serialises version numbers of a series: `${lockKey}:${series}`. */
  lockKey: string;
};

export type CreateOutcome = { status: "created" | "unchanged"; id: number; version: number };

/** What `create` takes besides the lifecycle's own values (and the series, given apart). */
export type VersionValues<T extends VersionedTable, K extends string> = Omit<
  T["$inferInsert"],
  "version" | "hash" | "createdBy" | "status" | K
>;

export type Lifecycle<T extends VersionedTable, K extends string, R> = {
  readonly table: T;
  readonly noteMax: number;
  /** The trimmed note, or noteRequired. */
  checkNote(note: string): string;
  /** One version, or notFound. */
  get(db: DbOrTx, id: number): Promise<R>;
  /** One version locked for update (inside a transaction), or notFound. */
  lock(tx: DbOrTx, id: number): Promise<R>;
  /**
   * The next version of `series` as a draft with `values` (the table's own columns), or
   * "unchanged" when a version of the series has `hash`; in a transaction (a savepoint when
   * `db` is one already). The audit subject is `subject(version)`, by default `<series> v<n>`.
   */
  create(
    db: DbOrTx,
    p: {
      series: string | number;
      hash: string;
      values: VersionValues<T, K>;
      actorId: number | null;
      subject?: (version: number) => string;
    },
  ): Promise<CreateOutcome>;
  /** Records the approval of a draft; returns the approved row. */
  approve(db: DbOrTx, id: number, actorId: number, note: string, now: Date): Promise<R>;
  /** Retires a version for good; returns the retired row. */
  retire(db: DbOrTx, id: number, actorId: number, now: Date): Promise<R>;
  /** An approved version, or notFound / notApproved. */
  requireApproved(db: DbOrTx, id: number): Promise<R>;
  /** The series' current version: its latest approved one, or null. */
  current(db: DbOrTx, series: string | number): Promise<R | null>;
};

const creator = aliasedTable(persons, "creator");
const approver = aliasedTable(persons, "approver");
const retirer = aliasedTable(persons, "retirer");

/**
 * A select of `fields` from a lifecycle table with who created, approved and retired each
 * version (createdByName, approvedByName, retiredByName; null when nobody), for lists.
 */
export function selectWithPeople<F extends SelectedFields>(db: DbOrTx, table: VersionedTable, fields: F) {
  return db
    .select({ ...fields, createdByName: creator.name, approvedByName: approver.name, retiredByName: retirer.name })
    .from(table as PgTable)
    .leftJoin(creator, eq(creator.id, table.createdBy))
    .leftJoin(approver, eq(approver.id, table.approvedBy))
    .leftJoin(retirer, eq(retirer.id, table.retiredBy));
}

export function lifecycle<
  T extends VersionedTable & Record<K, AnyPgColumn>,
  K extends string,
  R extends LifecycleRow & Record<K, string | number> = T["$inferSelect"] & LifecycleRow & Record<K, string | number>,
>(cfg: LifecycleConfig<T, K, R>): Lifecycle<T, K, R> {
  const { table, codes } = cfg;
  const series: AnyPgColumn = table[cfg.series];
  const noteMax = cfg.noteMax ?? 2000;
  const idKey = cfg.audit.idKey ?? "id";
  const action = (step: string) => `${cfg.audit.action}.${step}`;
  const set = (v: Record<string, unknown>) => v as PgUpdateSetSource<T>;
  // The table as a plain PgTable for select().from() (drizzle's check of a generic T does not resolve).
  const source: PgTable = table;

  async function find(db: DbOrTx, where: SQL, forUpdate: boolean): Promise<R | undefined> {
    const q = db.select().from(source).where(where);
    const rows = (forUpdate ? await q.for("update") : await q) as R[];
    return rows[0];
  }

  async function get(db: DbOrTx, id: number): Promise<R> {
    const row = await find(db, eq(table.id, id), false);
    if (!row) throw notFound(codes.notFound);
    return row;
  }

  async function lock(tx: DbOrTx, id: number): Promise<R> {
    const row = await find(tx, eq(table.id, id), true);
    if (!row) throw notFound(codes.notFound);
    return row;
  }

  function checkNote(note: string): string {
    const text = note.trim();
    if (text.length < 1 || text.length > noteMax) throw new DomainError("BAD_REQUEST", codes.noteRequired, { max: noteMax });
    return text;
  }

  async function create(db: DbOrTx, p: Parameters<Lifecycle<T, K, R>["create"]>[1]): Promise<CreateOutcome> {
    await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`${cfg.lockKey}:${p.series}`}))`);
    const [same] = await db
      .select({ id: table.id, version: table.version })
      .from(source)
      .where(and(eq(series, p.series), eq(table.hash, p.hash)));
    if (same) return { status: "unchanged", id: col.int(same.id, "id"), version: col.int(same.version, "version") };
    const { max } = one(
      await db
        .select({ max: sql<unknown>`max(${table.version})` })
        .from(source)
        .where(eq(series, p.series)),
    );
    const version = (col.int.nullable(max, "max") ?? 0) + 1;
    const values = { ...p.values, [cfg.series]: p.series, version, hash: p.hash, createdBy: p.actorId };
    const row = one(
      await db
        .insert(table as PgTable)
        .values(values)
        .returning({ id: table.id }),
    );
    const id = col.int(row.id, "id");
    await recordAudit(db, {
      actorId: p.actorId,
      action: action("create"),
      subject: p.subject ? p.subject(version) : `${p.series} v${version}`,
      detail: { [idKey]: id, hash: p.hash },
    });
    return { status: "created", id, version };
  }

  async function approve(db: DbOrTx, id: number, actorId: number, note: string, now: Date): Promise<R> {
    const text = checkNote(note);
    return db.transaction(async (tx) => {
      const v = await lock(tx, id);
      if (v.status !== "draft") {
        throw new DomainError("CONFLICT", v.status === "approved" ? codes.alreadyApproved : codes.alreadyRetired, { version: v.version });
      }
      if (codes.newerApproved) {
        const [newer] = await tx
          .select({ version: table.version })
          .from(source)
          .where(and(eq(series, v[cfg.series]), gt(table.version, v.version), isNotNull(table.approvedAt)))
          .orderBy(desc(table.version))
          .limit(1);
        if (newer) throw new DomainError("CONFLICT", codes.newerApproved, { version: v.version, newer: col.int(newer.version, "version") });
      }
      const row = one(
        (await tx
          .update(table)
          .set(set({ status: "approved", approvedBy: actorId, approvedAt: now, approvalNote: text }))
          .where(and(eq(table.id, id), eq(table.status, "draft")))
          .returning()) as R[],
      ); // the draft is locked above
      await recordAudit(tx, { actorId, action: action("approve"), subject: cfg.audit.subject(v), detail: { [idKey]: id, note: text } });
      return row;
    });
  }

  async function retire(db: DbOrTx, id: number, actorId: number, now: Date): Promise<R> {
    return db.transaction(async (tx) => {
      const v = await lock(tx, id);
      if (v.status === "retired") throw new DomainError("CONFLICT", codes.alreadyRetired, { version: v.version });
      const row = one(
        (await tx
          .update(table)
          .set(set({ status: "retired", retiredBy: actorId, retiredAt: now }))
          .where(eq(table.id, id))
          .returning()) as R[],
      ); // locked above
      await recordAudit(tx, {
        actorId,
        action: action("retire"),
        subject: cfg.audit.subject(v),
        detail: { [idKey]: id, wasApproved: v.status === "approved" },
      });
      return row;
    });
  }

  async function requireApproved(db: DbOrTx, id: number): Promise<R> {
    const v = await get(db, id);
    if (v.status !== "approved") {
      throw new DomainError("BAD_REQUEST", codes.notApproved ?? codes.alreadyRetired, { version: v.version, status: v.status });
    }
    return v;
  }

  async function current(db: DbOrTx, s: string | number): Promise<R | null> {
    const rows = (await db
      .select()
      .from(source)
      .where(and(eq(series, s), eq(table.status, "approved")))
      .orderBy(desc(table.version))
      .limit(1)) as R[];
    return rows[0] ?? null;
  }

  return {
    table,
    noteMax,
    checkNote,
    get,
    lock,
    approve,
    retire,
    requireApproved,
    current,
    create: (db, p) => db.transaction((tx) => create(tx, p)),
  };
}
