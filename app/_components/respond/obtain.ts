// Anonymous collection, browser side (see server/anonymity/README.md): obtaining tokens.
//   obtainTokens: fetch the campaign's published keys WITHOUT credentials, blind one fresh
//     token per target, send all blinded messages in one signed-in request, unblind and
//     check every signature, keep the tokens on this device.
// Submitting them is collect.ts. Pages import this file dynamically (import("./obtain")),
// so the blind-RSA code is fetched only by a device that has tokens to obtain.
import { blindToken, finalizeToken, fromBase64, importTargetPublicKey, prepareToken, toBase64 } from "@/server/shared/anonymity/client";
import { CollectError } from "./collect";
import { putTokens, type TokenRecord } from "./tokenStore";

export type Blinded = { targetId: number; blindedMsg: string };
export type Signed = { targetId: number; blindSig: string };

/** The campaign's published keys, fetched without cookies (the same answer for everyone). */
async function publishedKeys(campaignId: number): Promise<Map<number, string>> {
  const res = await fetch(`/api/campaigns/${campaignId}/keys`, { credentials: "omit", cache: "no-store" });
  const body = (await res.json().catch(() => ({}))) as {
    error?: string;
    code?: string;
    keys: { targetId: number; publicKey: string }[];
  };
  if (!res.ok) throw new CollectError(body.error ?? `HTTP ${res.status}`, body.code, undefined, res.status);
  return new Map(body.keys.map((k) => [k.targetId, k.publicKey]));
}

/**
 * Obtains tokens for all `targetIds` (the campaign's targets with no token issued yet) in
 * one request through `issue`, and stores them. Throws without storing anything if a key
 * is missing or a signature does not verify.
 */
export async function obtainTokens(
  campaignId: number,
  targetIds: readonly number[],
  issue: (blinded: Blinded[]) => Promise<Signed[]>,
): Promise<void> {
  if (targetIds.length === 0) return;
  const keys = await publishedKeys(campaignId);
  const prepared = await Promise.all(
    targetIds.map(async (targetId) => {
      const spki = keys.get(targetId);
      if (!spki) throw new CollectError("missing key", "notReady");
      const pk = await importTargetPublicKey(spki);
      const token = prepareToken();
      const { blindedMsg, inv } = await blindToken(pk, token);
      return { targetId, pk, token, inv, blindedMsg: toBase64(blindedMsg) };
    }),
  );
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
