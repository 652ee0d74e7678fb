import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { campaigns } from "@/db/schema";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { closeCampaign, createCampaign, deleteCampaign, openCampaign, publishCampaign } from "./campaigns";
import type { CampaignState } from "./kinds";
import { CAMPAIGN_STATES, CAMPAIGN_TRANSITIONS, type CampaignStep } from "./states";
import { planObservations } from "./observe";
import { tinyVersions } from "./testing";
import { one } from "@/db/query";

const NOW = new Date("2026-12-20T08:00:00Z");
const OPENS = new Date("2026-12-25T00:00:00Z");
const CLOSES = new Date("2027-01-15T00:00:00Z");
const DURING = new Date("2026-12-28T00:00:00Z");

let db: Db;
let s: School;
let supervisorVersion: number;

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  supervisorVersion = (await tinyVersions(db, ["supervisor_observation"] as const, s.people.quality.id)).supervisor_observation;
}, 300_000);

const STEPS: Record<CampaignStep, (id: number) => Promise<unknown>> = {
  open: (id) => openCampaign(db, id, DURING),
  close: (id) => closeCampaign(db, id, DURING),
  publish: (id) => publishCampaign(db, id, DURING),
  delete: async (id) => deleteCampaign(db, await sessionOf(db, s.people.quality), id),
};

/** An observation round (named observers: no signing keys) brought to `state` through the table's own steps. */
async function campaignIn(state: CampaignState): Promise<number> {
  const c = await createCampaign(
    db,
    await sessionOf(db, s.people.quality),
    {
      kind: "observation_round",
      name: `听课 ${state}`,
      termId: s.term.id,
      opensAt: OPENS,
      closesAt: CLOSES,
      instruments: [{ raterGroup: "supervisor", instrumentVersionId: supervisorVersion }],
    },
    NOW,
  );
  await planObservations(db, c.id, { perSection: 1, quotaPerObserver: 5, groups: ["supervisor"] });
  const path: CampaignStep[] = { draft: [], open: ["open"], closed: ["open", "close"], published: ["open", "close", "publish"] }[
    state
  ] as CampaignStep[];
  for (const step of path) await STEPS[step](c.id);
  return c.id;
}

const stateOf = async (id: number) =>
  (await db.select({ state: campaigns.state }).from(campaigns).where(eq(campaigns.id, id)))[0]?.state ?? null;

describe("campaign states", () => {
  for (const from of CAMPAIGN_STATES) {
    for (const t of CAMPAIGN_TRANSITIONS) {
      const allowed = t.from === from;
      it(`${t.step} from ${from}: ${allowed ? `becomes ${t.to ?? "deleted"}` : `refused (${t.refused})`}`, async () => {
        const id = await campaignIn(from);
        if (allowed) {
          await STEPS[t.step](id);
          expect(await stateOf(id)).toBe(t.to);
          if (t.stamp) {
            const row = one(await db.select().from(campaigns).where(eq(campaigns.id, id)));
            expect(row[t.stamp]).toEqual(DURING);
          }
        } else {
          await expect(STEPS[t.step](id)).rejects.toMatchObject({
            name: "DomainError",
            kind: "CONFLICT",
            code: `campaigns.errors.${t.refused}`,
            params: { state: from },
          });
          expect(await stateOf(id)).toBe(from);
        }
      });
    }
  }

  it("the database refuses every change of state the table does not have", async () => {
    for (const from of CAMPAIGN_STATES) {
      const id = await campaignIn(from);
      for (const to of CAMPAIGN_STATES) {
        if (to === from || CAMPAIGN_TRANSITIONS.some((t) => t.from === from && t.to === to)) continue;
        await expect(db.update(campaigns).set({ state: to }).where(eq(campaigns.id, id))).rejects.toThrow();
        expect(await stateOf(id)).toBe(from);
      }
    }
  });
});
