import { z } from "zod";
import {
  campaignDetail,
  campaignFormOptions,
  closeFor,
  cohortYearsFor,
  deleteCampaignFor,
  generateFor,
  keyProgress,
  listCampaigns,
  observationProgressFor,
  observationRecordsFor,
  observationsFor,
  openFor,
  outboxFor,
  planObservationsFor,
  publishFor,
  ratesFor,
  reportsFor,
  settingsInput,
  updateCampaignSettings,
} from "../../campaigns/admin";
import { generateOptionsInput } from "../../campaigns/assign";
import { createCampaign, createCampaignInput, instrumentList, setCampaignInstruments } from "../../campaigns/campaigns";
import { CAMPAIGN_MANAGE_ROLES } from "../../campaigns/kinds";
import { planObservationsInput } from "../../campaigns/observe";
import { RATE_DIMENSIONS } from "../../campaigns/rates";
import { anonSecret } from "../../kernel/env";
import { sendInvitations } from "../../invitations/invitations";
import { roleProcedure, router, signedInProcedure } from "../trpc";
import { idSchema as id } from "../../kernel/ids";
import { inputOf } from "../../kernel/validate";

// The quality office's (and unit admins') campaign pages: app/(app)/admin/campaigns.
// Thin: the domain's schemas parse the input (inputOf: refused with the schemas' own messages,
// as the domain functions refuse it), the domain functions check the actor.
const manager = roleProcedure(...CAMPAIGN_MANAGE_ROLES);
const byId = z.object({ id });

export const campaignsRouter = router({
  list: manager.query(({ ctx }) => listCampaigns(ctx.db, ctx.user)),
  detail: manager.input(byId).query(({ ctx, input }) => campaignDetail(ctx.db, ctx.user, input.id)),
  formOptions: manager.query(({ ctx }) => campaignFormOptions(ctx.db, ctx.user, ctx.now())),
  /** The graduation year surveyed at each offset by a wave opening at `opensAt` (prefills the form). */
  cohortYears: manager.input(z.object({ opensAt: z.date() })).query(({ input }) => cohortYearsFor(input.opensAt)),
  create: manager.input(inputOf(createCampaignInput)).mutation(({ ctx, input }) => createCampaign(ctx.db, ctx.user, input, ctx.now())),
  setInstruments: manager
    .input(inputOf(z.object({ id, instruments: instrumentList })))
    .mutation(({ ctx, input }) => setCampaignInstruments(ctx.db, ctx.user, input.id, input.instruments)),
  generate: manager
    .input(inputOf(z.object({ id, options: generateOptionsInput.optional() })))
    .mutation(({ ctx, input }) => generateFor(ctx.db, ctx.user, input.id, input.options ?? {})),
  planObservations: manager
    .input(inputOf(z.object({ id, options: planObservationsInput })))
    .mutation(({ ctx, input }) => planObservationsFor(ctx.db, ctx.user, input.id, input.options)),
  observations: manager.input(byId).query(({ ctx, input }) => observationsFor(ctx.db, ctx.user, input.id)),
  /** Status per visit, completion per observer and per unit. */
  observationProgress: manager.input(byId).query(({ ctx, input }) => observationProgressFor(ctx.db, ctx.user, input.id)),
  /** The named observation records (听课记录) with their answers in the reader's language. */
  observationRecords: manager.input(byId).query(({ ctx, input }) => observationRecordsFor(ctx.db, ctx.user, input.id, ctx.locale)),
  /** Information officers' reports: named for the quality office, unnamed for a unit admin (its units only). */
  reports: manager.input(byId).query(({ ctx, input }) => reportsFor(ctx.db, ctx.user, input.id, ctx.locale)),
  /** Deletes a draft (refused once opened). */
  delete: manager.input(byId).mutation(({ ctx, input }) => deleteCampaignFor(ctx.db, ctx.user, input.id)),
  /** Makes the targets' signing keys (~0.1 s each: the page polls keyProgress meanwhile), then opens. */
  open: manager.input(byId).mutation(({ ctx, input }) => openFor(ctx.db, ctx.user, input.id, ctx.now(), anonSecret())),
  keyProgress: manager.input(byId).query(({ ctx, input }) => keyProgress(ctx.db, ctx.user, input.id)),
  close: manager.input(byId).mutation(({ ctx, input }) => closeFor(ctx.db, ctx.user, input.id, ctx.now(), anonSecret())),
  /** Closed → published: teachers then see their own reported figures. */
  publish: manager.input(byId).mutation(({ ctx, input }) => publishFor(ctx.db, ctx.user, input.id, ctx.now())),
  settings: manager
    .input(inputOf(z.object({ id, settings: settingsInput })))
    .mutation(({ ctx, input }) => updateCampaignSettings(ctx.db, ctx.user, input.id, input.settings)),
  sendInvitations: manager.input(byId).mutation(({ ctx, input }) => sendInvitations(ctx.db, ctx.user, input.id, anonSecret(), ctx.now())),
  /** Invitation messages (reminders are counted, never listed). */
  outbox: manager.input(byId).query(({ ctx, input }) => outboxFor(ctx.db, ctx.user, input.id)),
  /** The quality office all, a unit admin its units, a teacher their own sections; nobody else. */
  rates: signedInProcedure
    .input(z.object({ campaignId: id, by: z.enum(RATE_DIMENSIONS).optional() }))
    .query(({ ctx, input }) => ratesFor(ctx.db, ctx.user, input)),
});
