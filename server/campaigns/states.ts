import { and, eq, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { campaigns } from "@/db/schema";
import { DomainError } from "../kernel/errors";
import type { CampaignState } from "./kinds";

/**
 * A campaign's states and every change between them, in one table: the functions that
 * change a campaign's state (campaigns.ts: openCampaign, closeCampaign, publishCampaign,
 * deleteCampaign; the history import of scoring/history.ts) check and apply their step
 * here, and the database agrees (the trigger campaigns_state_forward of migration 0002
 * refuses any other change of state). A step from any other state is refused with
 * CONFLICT campaigns.errors.<refused> {state}.
 *
 * | step    | from   | to        | by whom                                         | conditions (checked by the step's function)                           | side effects                                                      |
 * |---------|--------|-----------|-------------------------------------------------|-----------------------------------------------------------------------|-------------------------------------------------------------------|
 * | open    | draft  | open      | its manager (quality office, unit admin), demo   | opensAt ≤ now < closesAt; targets (info_officer: officers); an instrument for every group in use; a signing key per target of an anonymous group | signing keys made first (with the secret); openedAt; audit campaign.open; instrument versions frozen (trigger) |
 * | close   | open   | closed    | its manager (early), the scheduler at closesAt   | —                                                                     | closedAt; sealed pool flushed into responses (with the secret); audit campaign.close {early} |
 * | publish | closed | published | its manager                                     | —                                                                     | publishedAt; teachers see their own figures; audit campaign.publish |
 * | delete  | draft  | (gone)    | its manager                                     | —                                                                     | the campaign and all made for it deleted; audit campaign.delete   |
 *
 * The history import (scoring/history.ts) takes an imported campaign through open and close
 * at once, stamped with its own window (openedAt = opensAt, closedAt = closesAt).
 */

export const CAMPAIGN_STATES = ["draft", "open", "closed", "published"] as const satisfies readonly CampaignState[];

export type CampaignStep = "open" | "close" | "publish" | "delete";

export type CampaignTransition = {
  step: CampaignStep;
  from: CampaignState;
  /** null: the campaign is deleted */
  to: CampaignState | null;
  /** the timestamp column set to the step's time */
  stamp: "openedAt" | "closedAt" | "publishedAt" | null;
  /** campaigns.errors.<refused> when the campaign is in any other state */
  refused: "notDraft" | "notOpen" | "notClosed";
  by: string;
  effects: readonly string[];
};

export const CAMPAIGN_TRANSITIONS = [
  {
    step: "open",
    from: "draft",
    to: "open",
    stamp: "openedAt",
    refused: "notDraft",
    by: "manager",
    effects: ["signing keys", "campaign.open audit", "instruments frozen"],
  },
  {
    step: "close",
    from: "open",
    to: "closed",
    stamp: "closedAt",
    refused: "notOpen",
    by: "manager or scheduler",
    effects: ["sealed pool flushed", "campaign.close audit"],
  },
  {
    step: "publish",
    from: "closed",
    to: "published",
    stamp: "publishedAt",
    refused: "notClosed",
    by: "manager",
    effects: ["teachers see their figures", "campaign.publish audit"],
  },
  {
    step: "delete",
    from: "draft",
    to: null,
    stamp: null,
    refused: "notDraft",
    by: "manager",
    effects: ["campaign deleted with all made for it", "campaign.delete audit"],
  },
] as const satisfies readonly CampaignTransition[];

export function transitionOf(step: CampaignStep): CampaignTransition {
  const t = CAMPAIGN_TRANSITIONS.find((x) => x.step === step);
  if (!t) throw new Error(`no campaign step ${step}`);
  return t;
}

/** The step's transition if the campaign may take it, else CONFLICT campaigns.errors.<refused> {state}. */
export function checkStep(c: { state: string }, step: CampaignStep): CampaignTransition {
  const t = transitionOf(step);
  if (c.state !== t.from) throw new DomainError("CONFLICT", `campaigns.errors.${t.refused}`, { state: c.state });
  return t;
}

/**
 * Applies a step that changes the state (not delete): sets the state and the step's stamp
 * (`at`: a time, or an SQL expression such as the campaign's own window) in one statement
 * that only matches the step's from-state; returns the updated row. Refused like checkStep
 * when the campaign is not (any more) in the from-state.
 */
export async function moveCampaign(tx: DbOrTx, campaignId: number, step: Exclude<CampaignStep, "delete">, at: Date | SQL) {
  const t = transitionOf(step);
  const to = t.to as CampaignState;
  const stamp = t.stamp as "openedAt" | "closedAt" | "publishedAt";
  const [row] = await tx
    .update(campaigns)
    .set({ state: to, [stamp]: at })
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.state, t.from)))
    .returning();
  if (!row) {
    const [c] = await tx.select({ state: campaigns.state }).from(campaigns).where(eq(campaigns.id, campaignId));
    throw new DomainError("CONFLICT", `campaigns.errors.${t.refused}`, { state: c?.state ?? "" });
  }
  return row;
}
