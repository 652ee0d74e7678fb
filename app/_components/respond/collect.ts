// Anonymous collection, browser side (see server/anonymity/README.md):
//   obtainTokens: fetch the campaign's published keys WITHOUT credentials, blind one fresh
//     token per target, send all blinded messages in one signed-in request, unblind and
//     check every signature, keep the tokens on this device;
//   submitWithToken: send (target, token, signature, answers) to /api/submit without
//     credentials, retrying the same token after a network failure (the server answers
//     "duplicate" for a token already stored, so a retry never makes two responses).
import {
  blindToken, finalizeToken, fromBase64, importTargetPublicKey, prepareToken, toBase64,
} from "@/server/anonymity/client";
import { getTokens, putTokens, setTokenState, type TokenRecord } from "./tokenStore";

export type Blinded = { targetId: number; blindedMsg: string };
export type Signed = { targetId: number; blindSig: string };

export class CollectError extends Error {
  constructor(message: string, readonly code?: string, readonly details?: unknown, readonly status?: number) {
    super(message);
  }
}

/** The campaign's published keys, fetched without cookies (the same answer for everyone). */
async function publishedKeys(campaignId: number): Promise<Map<number, string>> {
  const res = await fetch(`/api/campaigns/${campaignId}/keys`, { credentials: "omit", cache: "no-store" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new CollectError(body.error ?? `HTTP ${res.status}`, body.code, undefined, res.status);
  return new Map((body.keys as { targetId: number; publicKey: string }[]).map((k) => [k.targetId, k.publicKey]));
}

/**
 * Obtains tokens for all `targetIds` (the campaign's targets with no token issued yet) in
 * one request through `issue`, and stores them. Throws without storing anything if a key
 * is missing or a signature does not verify.
 */
export async function obtainTokens(
  campaignId: number, targetIds: readonly number[], issue: (blinded: Blinded[]) => Promise<Signed[]>,
): Promise<void> {
  if (targetIds.length === 0) return;
  const keys = await publishedKeys(campaignId);
  const prepared = await Promise.all(targetIds.map(async (targetId) => {
    const spki = keys.get(targetId);
    if (!spki) throw new CollectError("missing key", "notReady");
    const pk = await importTargetPublicKey(spki);
    const token = prepareToken();
    const { blindedMsg, inv } = await blindToken(pk, token);
    return { targetId, pk, token, inv, blindedMsg: toBase64(blindedMsg) };
  }));
  const signed = await issue(prepared.map((p) => ({ targetId: p.targetId, blindedMsg: p.blindedMsg })));
  const sigOf = new Map(signed.map((s) => [s.targetId, s.blindSig]));
  const records: TokenRecord[] = [];
  for (const p of prepared) {
    const blindSig = sigOf.get(p.targetId);
    if (!blindSig) throw new CollectError("missing signature", "invalidToken");
    const signature = await finalizeToken(p.pk, p.token, fromBase64(blindSig), p.inv); // throws unless valid
    records.push({ targetId: p.targetId, campaignId, token: toBase64(p.token), signature: toBase64(signature), state: "ready" });
  }
  await putTokens(records);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Submits this device's token for `targetId` with the answers (or declined). Network
 * failures and 5xx are retried with the same token (up to ~1 minute); a refusal (4xx) is
 * thrown as CollectError with the server's message, code and per-question details.
 */
export async function submitWithToken(
  targetId: number, body: { answers: Record<string, unknown>; declined?: boolean; locale: "zh" | "en" },
): Promise<"stored" | "duplicate"> {
  const rec = (await getTokens([targetId])).get(targetId);
  if (!rec) throw new CollectError("no token on this device", "noToken");
  const payload = JSON.stringify({ targetId, token: rec.token, signature: rec.signature, answers: body.answers, declined: body.declined ?? false, locale: body.locale });
  let delay = 500;
  for (let attempt = 0; ; attempt++) {
    let res: Response | null = null;
    try {
      res = await fetch("/api/submit", {
        method: "POST", credentials: "omit", cache: "no-store",
        headers: { "content-type": "application/json", "x-tqe-locale": body.locale },
        body: payload,
      });
    } catch {
      res = null; // network failure: retry with the same token
    }
    if (res && res.ok) {
      const { status } = await res.json() as { status: "stored" | "duplicate" };
      await setTokenState(targetId, body.declined ? "declined" : "submitted");
      return status;
    }
    if (res && res.status < 500) {
      const err = await res.json().catch(() => ({}));
      throw new CollectError(err.error ?? `HTTP ${res.status}`, err.code, err.details, res.status);
    }
    if (attempt >= 8) throw new CollectError("network", "network");
    await sleep(delay);
    delay = Math.min(delay * 2, 15_000);
  }
}
