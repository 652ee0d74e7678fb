import { eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryOne, queryRow, queryRows, queryValue } from "@/db/query";
import {
  improvementAttachments,
  IMPROVEMENT_SOURCES,
  IMPROVEMENT_STATUSES,
  type ImprovementSource,
  type ImprovementSourceRef,
  type ImprovementStatus,
  type OrderFigure,
} from "@/db/schema";
import type { SessionUser } from "../auth/users";
import { ORDER_VIEW_ROLES } from "../access/roles";
import { hasRole, unitScope, type UnitScope } from "../access/scope";
import { storedAttachmentType } from "../kernel/attachments";
import { idSchema } from "../kernel/ids";
import { containsPattern, offsetOf, pageInput, type Page } from "../kernel/paging";
import { beijingDate } from "../kernel/time";
import { effectOf, type Effect } from "./figures";
import { parseInput } from "../kernel/validate";
import { err, isQualityOffice, isResponsible } from "./orders";
import { AWAITING_ANSWER, stepsFrom, type OrderStep } from "./states";

/**
 * What the pages read: the order list (filters and paging on the server), one order with its
 * timeline, and the dashboard. Who sees what: the quality office and the system administrator
 * every order; unit admins and leaders the orders of their units; anyone the orders they are
 * responsible for or about (a teacher's own loop). An order is overdue while it waits for the
 * responsible side (AWAITING_ANSWER) past its deadline; overdue days count Beijing days.
 */

const list = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );
const AWAITING = list(AWAITING_ANSWER);

/** The SQL condition on `o` (improvement_items) for the orders the user may see. */
async function visibleSql(db: DbOrTx, user: SessionUser): Promise<SQL> {
  const scope: UnitScope = await unitScope(db, user, ORDER_VIEW_ROLES);
  if (scope === "all") return sql`true`;
  const units = scope.length
    ? sql`o.unit_id in (${sql.join(
        scope.map((u) => sql`${u}`),
        sql`, `,
      )})`
    : sql`false`;
  return sql`(${units} or o.owner_id = ${user.id} or o.subject_person_id = ${user.id})`;
}

export const listOrdersInput = pageInput
  .extend({
    status: z.array(z.enum(IMPROVEMENT_STATUSES)).max(IMPROVEMENT_STATUSES.length).optional(),
    source: z.array(z.enum(IMPROVEMENT_SOURCES)).max(IMPROVEMENT_SOURCES.length).optional(),
    unitId: idSchema.optional(),
    overdue: z.boolean().optional(),
    /** Only orders whose answer is awaited from the caller's side (the unit's view). */
    toAnswer: z.boolean().optional(),
  })
  .strict();
export type ListOrdersInput = z.input<typeof listOrdersInput>;

export type OrderListRow = {
  id: number;
  source: ImprovementSource;
  status: ImprovementStatus;
  content: string;
  reportedOn: string;
  deadline: string;
  unitId: number;
  unitName: string;
  unitNameEn: string | null;
  ownerName: string | null;
  overdueDays: number;
  reopenCount: number;
};

const ROW_SPEC = {
  id: col.int,
  source: col.oneOf(IMPROVEMENT_SOURCES),
  status: col.oneOf(IMPROVEMENT_STATUSES),
  content: col.text,
  reported_on: col.text,
  deadline: col.text,
  unit_id: col.int,
  unit_name: col.text,
  unit_name_en: col.text.nullable,
  owner_name: col.text.nullable,
  overdue_days: col.int,
  reopen_count: col.int,
};

function overdueDaysSql(today: string): SQL {
  return sql`case when o.status in (${AWAITING}) and o.deadline < ${today}::date then (${today}::date - o.deadline) else 0 end`;
}

/** The condition on `o` for the orders the user may see that pass the list's filters (the list and the register). */
export async function visibleOrdersSql(db: DbOrTx, now: Date, user: SessionUser, input: z.infer<typeof listOrdersInput>): Promise<SQL> {
  const today = beijingDate(now);
  const conds: SQL[] = [await visibleSql(db, user)];
  if (input.status?.length) conds.push(sql`o.status in (${list(input.status)})`);
  if (input.source?.length) conds.push(sql`o.source in (${list(input.source)})`);
  if (input.unitId) conds.push(sql`o.unit_id = ${input.unitId}`);
  if (input.overdue) conds.push(sql`o.status in (${AWAITING}) and o.deadline < ${today}::date`);
  if (input.toAnswer) conds.push(sql`o.status in (${AWAITING})`);
  if (input.q) conds.push(sql`o.content ilike ${containsPattern(input.q)}`);
  return sql.join(conds, sql` and `);
}

/** A page of the orders the user may see, newest first, with the filters of the list. */
export async function listOrders(db: DbOrTx, now: Date, user: SessionUser, raw: ListOrdersInput): Promise<Page<OrderListRow>> {
  const input = parseInput(listOrdersInput, raw);
  const today = beijingDate(now);
  const where = await visibleOrdersSql(db, now, user, input);
  const total = await queryValue(db, col.int, sql`select count(*)::int as n from improvement_items o where ${where}`);
  const rows = await queryRows(
    db,
    ROW_SPEC,
    sql`
    select o.id, o.source, o.status, left(o.content, 200) as content, o.reported_on::text as reported_on, o.deadline::text as deadline,
      o.unit_id, u.name as unit_name, u.name_en as unit_name_en, p.name as owner_name, ${overdueDaysSql(today)} as overdue_days, o.reopen_count
    from improvement_items o join units u on u.id = o.unit_id left join persons p on p.id = o.owner_id
    where ${where}
    order by o.id desc limit ${input.pageSize} offset ${offsetOf(input)}`,
  );
  return {
    total,
    page: input.page,
    pageSize: input.pageSize,
    items: rows.map((r) => ({
      id: r.id,
      source: r.source,
      status: r.status,
      content: r.content,
      reportedOn: r.reported_on,
      deadline: r.deadline,
      unitId: r.unit_id,
      unitName: r.unit_name,
      unitNameEn: r.unit_name_en,
      ownerName: r.owner_name,
      overdueDays: r.overdue_days,
      reopenCount: r.reopen_count,
    })),
  };
}

export type OrderEvent = {
  id: number;
  kind: string;
  at: Date;
  actorName: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
  attachments: { id: number; name: string; size: number }[];
};

export type OrderDetail = OrderListRow & {
  sourceRef: ImprovementSourceRef | null;
  response: string | null;
  measures: string | null;
  expectedEffect: string | null;
  publicSummary: string | null;
  courseName: string | null;
  programmeName: string | null;
  createdAt: Date;
  closedAt: Date | null;
  escalation: number;
  events: OrderEvent[];
  /** The steps the caller may take now. */
  steps: OrderStep[];
  /** An information officer's report: the officer, for the quality office only. */
  officer: { name: string; number: string } | null;
  /** An order raised from a figure: the figure before and at its next measurement, and whether it reached the target. */
  effect: Effect | null;
};

/** One order with its timeline, for anyone who may see it (else NOT_FOUND, which says nothing of its existence). */
export async function orderDetail(db: DbOrTx, now: Date, user: SessionUser, id: number): Promise<OrderDetail> {
  const today = beijingDate(now);
  const o = await queryRow(
    db,
    {
      ...ROW_SPEC,
      source_ref: col.json<ImprovementSourceRef>().nullable,
      response: col.text.nullable,
      measures: col.text.nullable,
      expected_effect: col.text.nullable,
      public_summary: col.text.nullable,
      course_name: col.text.nullable,
      programme_name: col.text.nullable,
      created_at: col.date,
      closed_at: col.date.nullable,
      escalation: col.int,
      owner_id: col.int.nullable,
      figure: col.json<OrderFigure>().nullable,
    },
    sql`
    select o.id, o.source, o.status, o.content, o.reported_on::text as reported_on, o.deadline::text as deadline, o.unit_id,
      u.name as unit_name, u.name_en as unit_name_en, p.name as owner_name, ${overdueDaysSql(today)} as overdue_days, o.reopen_count,
      o.source_ref, o.response, o.measures, o.expected_effect, o.public_summary, co.name as course_name, pr.name as programme_name,
      o.created_at, o.closed_at, o.escalation, o.owner_id, o.figure
    from improvement_items o join units u on u.id = o.unit_id left join persons p on p.id = o.owner_id
      left join courses co on co.id = o.course_id left join programmes pr on pr.id = o.programme_id
    where o.id = ${id} and ${await visibleSql(db, user)}`,
  );
  if (!o) throw err("NOT_FOUND", "notFound");
  const events = await queryRows(
    db,
    {
      id: col.int,
      kind: col.text,
      at: col.date,
      actor_name: col.text.nullable,
      from_status: col.text.nullable,
      to_status: col.text.nullable,
      note: col.text.nullable,
      data: col.json<Record<string, unknown>>().nullable,
    },
    sql`
    select e.id, e.kind, e.at, p.name as actor_name, e.from_status, e.to_status, e.note, e.data
    from improvement_events e left join persons p on p.id = e.actor_id where e.item_id = ${id} order by e.at, e.id`,
  );
  const files = await queryRows(
    db,
    { id: col.int, event_id: col.int, name: col.text, size: col.int },
    sql`
    select id, event_id, name, size from improvement_attachments where item_id = ${id} order by id`,
  );
  const quality = isQualityOffice(user);
  const responsible = await isResponsible(db, user, { ownerId: o.owner_id, unitId: o.unit_id });
  const steps = stepsFrom(o.status).filter((s) => (s === "answer" ? responsible : quality));
  let officer: OrderDetail["officer"] = null;
  if (quality && o.source_ref?.kind === "info_report") {
    officer =
      (await queryRow(
        db,
        { name: col.text, number: col.text },
        sql`
      select p.name, p.number from info_reports r join persons p on p.id = r.officer_id where r.id = ${o.source_ref.id}`,
      )) ?? null;
  }
  return {
    id: o.id,
    source: o.source,
    status: o.status,
    content: o.content,
    reportedOn: o.reported_on,
    deadline: o.deadline,
    unitId: o.unit_id,
    unitName: o.unit_name,
    unitNameEn: o.unit_name_en,
    ownerName: o.owner_name,
    overdueDays: o.overdue_days,
    reopenCount: o.reopen_count,
    sourceRef: o.source_ref,
    response: o.response,
    measures: o.measures,
    expectedEffect: o.expected_effect,
    publicSummary: o.public_summary,
    courseName: o.course_name,
    programmeName: o.programme_name,
    createdAt: o.created_at,
    closedAt: o.closed_at,
    escalation: o.escalation,
    steps,
    officer,
    effect: await effectOf(db, o.figure),
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind,
      at: e.at,
      actorName: e.actor_name,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      note: e.note,
      data: e.data,
      attachments: files.filter((f) => f.event_id === e.id).map((f) => ({ id: f.id, name: f.name, size: f.size })),
    })),
  };
}

/**
 * An attachment's bytes, for whoever may see its order (else NOT_FOUND), with the type its name
 * and bytes are (server/kernel/attachments.ts): the type stored for files taken before their bytes
 * were checked came from the browser and is not sent.
 */
export async function orderAttachment(db: DbOrTx, user: SessionUser, attachmentId: number) {
  const [a] = await db.select().from(improvementAttachments).where(eq(improvementAttachments.id, attachmentId));
  const visible =
    a &&
    (await queryRow(
      db,
      { id: col.int },
      sql`select o.id from improvement_items o where o.id = ${a.itemId} and ${await visibleSql(db, user)}`,
    ));
  if (!a || !visible) throw err("NOT_FOUND", "notFound");
  return { name: a.name, mime: storedAttachmentType(a.name, a.content), bytes: a.content };
}

// ---- the dashboard ----------------------------------------------------------------------

export type DashboardCell = {
  open: number;
  overdue: number;
  closedThisTerm: number;
  /** Median days from issue to closing, over all closed orders; null when none closed. */
  medianDaysToClose: number | null;
  /** Share of orders ever reopened among the orders ever answered; null when none answered. */
  reopenRate: number | null;
  /** Orders counted (the n of the figures). */
  n: number;
};
export type Dashboard = {
  term: { code: string; startsOn: string; endsOn: string } | null;
  total: DashboardCell;
  byUnit: (DashboardCell & { unitId: number; unitName: string; unitNameEn: string | null })[];
  bySource: (DashboardCell & { source: ImprovementSource })[];
};

const CELL_SPEC = {
  open: col.int,
  overdue: col.int,
  closed_term: col.int,
  median_days: col.num.nullable,
  reopen_rate: col.num.nullable,
  n: col.int,
};
const cellOf = (r: {
  open: number;
  overdue: number;
  closed_term: number;
  median_days: number | null;
  reopen_rate: number | null;
  n: number;
}): DashboardCell => ({
  open: r.open,
  overdue: r.overdue,
  closedThisTerm: r.closed_term,
  medianDaysToClose: r.median_days === null ? null : Math.round(r.median_days * 10) / 10,
  reopenRate: r.reopen_rate === null ? null : Math.round(r.reopen_rate * 1000) / 1000,
  n: r.n,
});

/**
 * Open, overdue, closed this term, median days to close and reopen rate, for all the orders
 * the user may see, by responsible unit and by source. "This term" is the current term
 * (terms.is_current), its Beijing days.
 */
export async function orderDashboard(db: DbOrTx, now: Date, user: SessionUser): Promise<Dashboard> {
  const today = beijingDate(now);
  const term = await queryRow(
    db,
    { code: col.text, starts_on: col.text, ends_on: col.text },
    sql`
    select code, starts_on::text as starts_on, ends_on::text as ends_on from terms where is_current order by starts_on desc limit 1`,
  );
  const from = term ? sql`(${term.starts_on}::date::timestamp at time zone 'Asia/Shanghai')` : sql`null::timestamptz`;
  const to = term ? sql`((${term.ends_on}::date + 1)::timestamp at time zone 'Asia/Shanghai')` : sql`null::timestamptz`;
  const cells = sql`
    count(*) filter (where o.status not in ('closed', 'cancelled'))::int as open,
    count(*) filter (where o.status in (${AWAITING}) and o.deadline < ${today}::date)::int as overdue,
    count(*) filter (where o.status = 'closed' and o.closed_at >= ${from} and o.closed_at < ${to})::int as closed_term,
    percentile_cont(0.5) within group (order by extract(epoch from o.closed_at - o.created_at) / 86400.0) filter (where o.status = 'closed') as median_days,
    (count(*) filter (where o.reopen_count > 0))::float8 / nullif(count(*) filter (where o.answered_at is not null), 0) as reopen_rate,
    count(*)::int as n`;
  const where = await visibleSql(db, user);
  const total = await queryOne(db, CELL_SPEC, sql`select ${cells} from improvement_items o where ${where}`);
  const byUnit = await queryRows(
    db,
    { ...CELL_SPEC, unit_id: col.int, unit_name: col.text, unit_name_en: col.text.nullable },
    sql`
    select o.unit_id, u.name as unit_name, u.name_en as unit_name_en, ${cells}
    from improvement_items o join units u on u.id = o.unit_id where ${where}
    group by o.unit_id, u.name, u.name_en order by u.name`,
  );
  const bySource = await queryRows(
    db,
    { ...CELL_SPEC, source: col.oneOf(IMPROVEMENT_SOURCES) },
    sql`
    select o.source, ${cells} from improvement_items o where ${where} group by o.source order by o.source`,
  );
  return {
    term: term ? { code: term.code, startsOn: term.starts_on, endsOn: term.ends_on } : null,
    total: cellOf(total),
    byUnit: byUnit.map((r) => ({ ...cellOf(r), unitId: r.unit_id, unitName: r.unit_name, unitNameEn: r.unit_name_en })),
    bySource: bySource.map((r) => ({ ...cellOf(r), source: r.source })),
  };
}

/** Whether the user may read orders at all beyond their own (the list page's full view). */
export const readsOrders = (user: SessionUser) => hasRole(user, ...ORDER_VIEW_ROLES);
