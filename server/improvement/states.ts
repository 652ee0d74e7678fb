import type { ImprovementStatus } from "@/db/schema";
import { DomainError } from "../kernel/errors";

/**
 * A rectification order's states and every change between them, in one table. The domain's
 * step functions (orders.ts: answerOrder, verifyOrder, closeOrder, continueOrder, reopenOrder,
 * cancelOrder) check and apply their step here, and the database agrees: the trigger
 * improvement_items_status_forward (migration improvement_orders) refuses any other change
 * of status. Every step writes one event (who, when, note); events are never changed.
 *
 * | step     | from                              | to         | by whom                         | needs                         |
 * |----------|-----------------------------------|------------|---------------------------------|-------------------------------|
 * | issue    | (new)                             | issued     | quality office, unit admin, …   | content, unit, deadline ≥ today |
 * | answer   | issued, reopened, continuing      | answered   | the responsible side            | 问题检视答复, 整改措施, 预期效果 |
 * | verify   | answered                          | verifying  | quality office                  | —                             |
 * | close    | verifying                         | closed     | quality office                  | (public summary optional)     |
 * | continue | verifying                         | continuing | quality office                  | reason, next review date      |
 * | reopen   | answered, verifying               | reopened   | quality office                  | reason                        |
 * | cancel   | issued, answered, verifying, continuing, reopened | cancelled | quality office   | reason                        |
 *
 * closed and cancelled are final. An order waits for the responsible side in issued,
 * reopened and continuing (AWAITING_ANSWER): only then does its deadline run, and only then
 * is it reminded, escalated and counted overdue.
 */

export type OrderStep = "answer" | "verify" | "close" | "continue" | "reopen" | "cancel";

export type OrderTransition = {
  step: OrderStep;
  from: readonly ImprovementStatus[];
  to: ImprovementStatus;
  /** Who may take it: the responsible side, or the quality office. */
  by: "responsible" | "quality";
  /** A note (the reason) is required. */
  reason: boolean;
};

export const ORDER_TRANSITIONS = [
  { step: "answer", from: ["issued", "reopened", "continuing"], to: "answered", by: "responsible", reason: false },
  { step: "verify", from: ["answered"], to: "verifying", by: "quality", reason: false },
  { step: "close", from: ["verifying"], to: "closed", by: "quality", reason: false },
  { step: "continue", from: ["verifying"], to: "continuing", by: "quality", reason: true },
  { step: "reopen", from: ["answered", "verifying"], to: "reopened", by: "quality", reason: true },
  { step: "cancel", from: ["issued", "answered", "verifying", "continuing", "reopened"], to: "cancelled", by: "quality", reason: true },
] as const satisfies readonly OrderTransition[];

export const AWAITING_ANSWER = ["issued", "reopened", "continuing"] as const satisfies readonly ImprovementStatus[];
export const FINAL_STATUSES = ["closed", "cancelled"] as const satisfies readonly ImprovementStatus[];
export const OPEN_STATUSES = ["issued", "answered", "verifying", "continuing", "reopened"] as const satisfies readonly ImprovementStatus[];

export function transitionOf(step: OrderStep): OrderTransition {
  const t = ORDER_TRANSITIONS.find((x) => x.step === step);
  if (!t) throw new Error(`no order step ${step}`);
  return t;
}

/** The steps an order in this status may take (what the detail page offers). */
export function stepsFrom(status: ImprovementStatus): OrderStep[] {
  return ORDER_TRANSITIONS.filter((t) => (t.from as readonly string[]).includes(status)).map((t) => t.step);
}

/** The step's transition if an order in `status` may take it, else CONFLICT improvement.errors.badStep {step, status}. */
export function checkStep(status: ImprovementStatus, step: OrderStep): OrderTransition {
  const t = transitionOf(step);
  if (!(t.from as readonly string[]).includes(status)) {
    throw new DomainError("CONFLICT", "improvement.errors.badStep", { step, status });
  }
  return t;
}

/** Every allowed (from, to) pair: what the database trigger allows, generated from the table. */
export function allowedPairs(): [ImprovementStatus, ImprovementStatus][] {
  return ORDER_TRANSITIONS.flatMap((t) => t.from.map((f) => [f, t.to] as [ImprovementStatus, ImprovementStatus]));
}
