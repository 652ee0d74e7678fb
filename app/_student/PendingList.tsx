"use client";
// A student's open evaluations with this device's progress ("5 of 8 done"), declining one
// after a confirmation. The list comes from the server page; which evaluations this device
// has done is known here only (IndexedDB, useCampaignTokens).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { CollectError, submitWithToken } from "../_components/respond/collect";
import { useCampaignTokens, type TargetStatus } from "../_components/respond/useCampaignTokens";
import { fill } from "./fill";
import { at } from "@/server/shared/indexed";

/** The messages of respond.pending, as written (placeholders filled here). */
export type PendingTexts = Record<
  | "title"
  | "progress"
  | "declinedCount"
  | "anonymous"
  | "preparing"
  | "prepareFailed"
  | "retry"
  | "evaluate"
  | "decline"
  | "declineConfirm"
  | "declineHelp"
  | "declineOk"
  | "cancel"
  | "elsewhereHelp"
  | "memoryOnly"
  | "allDone"
  | "empty",
  string
> & { states: Record<TargetStatus, string> };

export type PendingCampaignView = {
  campaignId: number;
  name: string;
  closes: string;
  targets: { targetId: number; issued: boolean; courseName: string; teacherName: string; sectionCode: string }[];
};

type Props = { campaigns: PendingCampaignView[]; texts: PendingTexts; locale: "zh" | "en" };

export function PendingList({ campaigns, texts, locale }: Props) {
  if (campaigns.length === 0) {
    return (
      <section className="s-card" data-testid="pending-empty">
        <h2 className="s-card__title">{texts.title}</h2>
        <p className="s-empty">{texts.empty}</p>
      </section>
    );
  }
  return (
    <>
      {campaigns.map((c) => (
        <CampaignCard key={c.campaignId} campaign={c} texts={texts} locale={locale} />
      ))}
    </>
  );
}

function CampaignCard({ campaign, texts, locale }: { campaign: PendingCampaignView; texts: PendingTexts; locale: "zh" | "en" }) {
  const router = useRouter();
  const s = useCampaignTokens(campaign, () => router.refresh());
  const [confirm, setConfirm] = useState<{ targetId: number; label: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [declining, setDeclining] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (confirm && !d.open) d.showModal();
    if (!confirm && d.open) d.close();
  }, [confirm]);

  const statuses = campaign.targets.map((x) => s.statusOf(x.targetId));
  const done = statuses.filter((x) => x === "submitted" || x === "declined").length;
  const declined = statuses.filter((x) => x === "declined").length;
  const total = campaign.targets.length;

  const decline = async () => {
    if (!confirm) return;
    setDeclining(true);
    setFailure(null);
    try {
      await submitWithToken(confirm.targetId, { answers: {}, declined: true, locale });
      await s.reload();
    } catch (e) {
      setFailure(e instanceof CollectError ? e.message : String(e));
    } finally {
      setDeclining(false);
      setConfirm(null);
    }
  };

  return (
    <section className="s-card" data-testid={`campaign-${campaign.campaignId}`}>
      <h2 className="s-card__title">
        {campaign.name} <span className="s-muted s-small">{campaign.closes}</span>
      </h2>
      <div data-testid="progress" className="s-progress">
        <strong>{fill(texts.progress, { done, total })}</strong>
        {declined > 0 && <span className="s-muted"> {fill(texts.declinedCount, { count: declined })}</span>}
        <progress max={total} value={done} aria-hidden="true" />
      </div>
      <p className="s-muted s-small">{texts.anonymous}</p>
      {s.busy && <p className="s-note s-note--info">{texts.preparing}</p>}
      {s.error && (
        <div className="s-note s-note--error" role="alert">
          <span>{fill(texts.prepareFailed, { error: s.error })}</span>
          <button type="button" className="s-btn s-btn--small" onClick={() => void s.retry()}>
            {texts.retry}
          </button>
        </div>
      )}
      {s.memoryOnly && <p className="s-note s-note--warning">{texts.memoryOnly}</p>}
      {statuses.includes("elsewhere") && <p className="s-note s-note--warning">{texts.elsewhereHelp}</p>}
      {done === total && <p className="s-note s-note--success">{texts.allDone}</p>}
      {failure && (
        <p className="s-note s-note--error" role="alert">
          {failure}
        </p>
      )}
      <ul className="s-list">
        {campaign.targets.map((x, i) => {
          const st = at(statuses, i);
          return (
            <li key={x.targetId} className="s-item" data-testid={`target-${x.targetId}`} data-status={st}>
              <div className="s-item__main">
                <div className="s-item__title">
                  {x.courseName}
                  {st !== "pending" && <span className={`s-tag s-tag--${st}`}>{texts.states[st]}</span>}
                </div>
                <div className="s-muted s-item__meta">
                  <span>{x.teacherName}</span>
                  <span>{x.sectionCode}</span>
                </div>
              </div>
              {st === "todo" && (
                <div className="s-item__actions">
                  <Link href={`/respond/${campaign.campaignId}/${x.targetId}`} className="s-btn s-btn--primary">
                    {texts.evaluate}
                  </Link>
                  <button
                    type="button"
                    className="s-btn"
                    onClick={() => setConfirm({ targetId: x.targetId, label: `${x.courseName}（${x.teacherName}）` })}
                  >
                    {texts.decline}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <dialog ref={dialog} className="s-dialog" aria-labelledby={`decline-${campaign.campaignId}`} onClose={() => setConfirm(null)}>
        <h3 id={`decline-${campaign.campaignId}`} className="s-card__title">
          {texts.declineConfirm}
        </h3>
        <p>
          <strong>{confirm?.label}</strong>
        </p>
        <p className="s-muted">{texts.declineHelp}</p>
        <div className="s-dialog__actions">
          <button type="button" className="s-btn" onClick={() => setConfirm(null)} disabled={declining}>
            {texts.cancel}
          </button>
          <button type="button" className="s-btn s-btn--danger" onClick={() => void decline()} disabled={declining}>
            {texts.declineOk}
          </button>
        </div>
      </dialog>
    </section>
  );
}
