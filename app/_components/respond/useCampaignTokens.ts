"use client";
// The state of one campaign's evaluations on this device: which targets have a token here
// and what was done with it, obtaining the missing tokens (all at once) when the campaign
// has targets with none issued yet. Shared by the home lists and the form page. Plain React
// and fetch (no react-query, no tRPC client): the student's pages load neither, and the
// blind-RSA code (obtain.ts) only when there are tokens to obtain.
import { useCallback, useEffect, useEffectEvent, useRef, useState } from "react";
import { rpcMutation } from "./rpc";
import { getTokens, persistent, TOKENS_CHANGED, type TokenRecord } from "./tokenStore";

export type TargetStatus = "todo" | "submitted" | "declined" | "elsewhere";

export type CampaignLike = { campaignId: number; targets: { targetId: number; issued: boolean }[] };

/** `onIssued`: called once tokens were issued (the caller's list of campaigns is out of date). */
export function useCampaignTokens(campaign: CampaignLike | undefined, onIssued?: () => void) {
  const [records, setRecords] = useState<Map<number, TokenRecord> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [memoryOnly, setMemoryOnly] = useState(false);
  const started = useRef(false);
  const onIssuedRef = useRef(onIssued);
  onIssuedRef.current = onIssued;
  const ids = campaign?.targets.map((t) => t.targetId).join(",") ?? "";

  const load = useCallback(async () => {
    if (!campaign) return;
    setRecords(await getTokens(campaign.targets.map((t) => t.targetId)));
  }, [campaign]);

  const prepare = useCallback(async () => {
    if (!campaign) return;
    const missing = campaign.targets.filter((t) => !t.issued).map((t) => t.targetId);
    if (missing.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const { obtainTokens } = await import("./obtain");
      await obtainTokens(
        campaign.campaignId,
        missing,
        async (blinded) =>
          (
            await rpcMutation<{ signatures: { targetId: number; blindSig: string }[] }>("respond.issue", {
              campaignId: campaign.campaignId,
              blinded,
            })
          ).signatures,
      );
      onIssuedRef.current?.();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      await load();
    }
  }, [campaign, load]);

  // Once per set of target ids (an effect event: the latest campaign, load and prepare, without
  // re-running on every new closure).
  const start = useEffectEvent(() => {
    if (!campaign) return;
    void persistent().then((p) => setMemoryOnly(!p));
    void load().then(() => {
      if (!started.current) {
        started.current = true;
        void prepare();
      }
    });
  });
  useEffect(() => start(), [ids]);

  // Tokens received from another device (TokenTransfer) show at once.
  useEffect(() => {
    const onChange = () => void load();
    window.addEventListener(TOKENS_CHANGED, onChange);
    return () => window.removeEventListener(TOKENS_CHANGED, onChange);
  }, [load]);

  const statusOf = (targetId: number): TargetStatus | "pending" => {
    const r = records?.get(targetId);
    if (r) return r.state === "ready" ? "todo" : r.state;
    const t = campaign?.targets.find((x) => x.targetId === targetId);
    return t?.issued ? "elsewhere" : "pending";
  };

  return { records, statusOf, error, busy, memoryOnly, retry: prepare, reload: load, loaded: records !== null };
}
