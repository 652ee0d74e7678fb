"use client";
// The state of one campaign's evaluations on this device: which targets have a token here
// and what was done with it, obtaining the missing tokens (all at once) when the campaign
// has targets with none issued yet. Shared by the home list and the form page.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC } from "../trpc";
import { obtainTokens } from "./collect";
import { getTokens, persistent, TOKENS_CHANGED, type TokenRecord } from "./tokenStore";

export type TargetStatus = "todo" | "submitted" | "declined" | "elsewhere";

export type CampaignLike = { campaignId: number; targets: { targetId: number; issued: boolean }[] };

export function useCampaignTokens(campaign: CampaignLike | undefined) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const issue = useMutation(trpc.respond.issue.mutationOptions());
  const [records, setRecords] = useState<Map<number, TokenRecord> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [memoryOnly, setMemoryOnly] = useState(false);
  const started = useRef(false);
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
      await obtainTokens(campaign.campaignId, missing, async (blinded) =>
        (await issue.mutateAsync({ campaignId: campaign.campaignId, blinded })).signatures);
      void qc.invalidateQueries({ queryKey: trpc.respond.pending.queryKey() });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      await load();
    }
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaign, load]);

  useEffect(() => {
    if (!campaign) return;
    void persistent().then((p) => setMemoryOnly(!p));
    void load().then(() => {
      if (!started.current) {
        started.current = true;
        void prepare();
      }
    });
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids]);

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
