"use client";
// Moving a student's evaluations to another device, and receiving them (no UI library: plain
// elements, so the student pages stay light). Sending: this device's tokens are encrypted
// here (transfer.ts), the server keeps the ciphertext for 10 minutes, and the code shown
// carries the key. Receiving: the code typed in, or the link's #transfer= fragment.
// Plain fetch (rpc.ts) and texts passed in as written (the student's home renders them on the
// server; the admin home takes them from its catalogue): no tRPC client, react-query or
// next-intl, so it fits the student's light pages.
import { useEffect, useEffectEvent, useRef, useState, type CSSProperties } from "react";
import { fill } from "../../_student/fill";
import { rpcMutation } from "./rpc";
import { allTokens, getTokens, putTokens, TOKENS_CHANGED } from "./tokenStore";
import { mergeRecords, openBundle, parseTransferCode, sealBundle, transferCode } from "./transfer";

const box: CSSProperties = { border: "1px solid #d9d9d9", borderRadius: 8, padding: "12px 14px", background: "#fff", marginBottom: 16 };
const button: CSSProperties = {
  padding: "6px 14px",
  borderRadius: 6,
  border: "1px solid #1677ff",
  background: "#fff",
  color: "#1677ff",
  cursor: "pointer",
  fontSize: 14,
};
const primary: CSSProperties = { ...button, background: "#1677ff", color: "#fff" };
const code: CSSProperties = {
  display: "block",
  wordBreak: "break-all",
  fontFamily: "ui-monospace, Menlo, Consolas, monospace",
  fontSize: 15,
  background: "#f5f5f5",
  padding: "8px 10px",
  borderRadius: 6,
  margin: "6px 0",
};

/** The messages of respond.transfer, as written (placeholders filled here). */
export type TransferTexts = {
  title: string;
  intro: string;
  send: string;
  sending: string;
  codeLabel: string;
  linkLabel: string;
  copy: string;
  nothing: string;
  receive: string;
  receivePlaceholder: string;
  receiveOk: string;
  received: string;
  badCode: string;
  failed: string;
  errors: { cannotOpen: string };
};

export function TokenTransfer({ texts }: { texts: TransferTexts }) {
  const t = (key: Exclude<keyof TransferTexts, "errors">, values: Record<string, string | number> = {}) => fill(texts[key], values);
  const [sent, setSent] = useState<{ code: string; link: string } | null>(null);
  const [input, setInput] = useState("");
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const fromLink = useRef(false);

  const receive = async (text: string) => {
    const parsed = parseTransferCode(text);
    if (!parsed) return setNote({ ok: false, text: t("badCode") });
    setBusy(true);
    setNote(null);
    try {
      const { ciphertext } = await rpcMutation<{ ciphertext: string }>("respond.transferTake", { id: parsed.id });
      let records;
      try {
        records = await openBundle(ciphertext, parsed.key);
      } catch {
        throw new Error(texts.errors.cannotOpen);
      }
      const mine = await getTokens(records.map((r) => r.targetId));
      await putTokens(mergeRecords(mine, records));
      window.dispatchEvent(new Event(TOKENS_CHANGED));
      setInput("");
      setNote({ ok: true, text: t("received", { count: records.length }) });
    } catch (e) {
      setNote({ ok: false, text: t("failed", { error: (e as Error).message }) });
    } finally {
      setBusy(false);
    }
  };

  // A link opened on this device: take the code from the fragment (never sent to the server),
  // then drop it; once on mount (an effect event: it sees the latest `receive` without re-running).
  const receiveFromLink = useEffectEvent(() => {
    if (!fromLink.current && window.location.hash.startsWith("#transfer=")) {
      fromLink.current = true;
      const text = window.location.hash;
      history.replaceState(null, "", window.location.pathname + window.location.search);
      void receive(text);
    }
  });
  useEffect(() => receiveFromLink(), []);

  const send = async () => {
    setBusy(true);
    setNote(null);
    try {
      const records = await allTokens();
      if (records.length === 0) return setNote({ ok: false, text: t("nothing") });
      const { ciphertext, key } = await sealBundle(records);
      const { id } = await rpcMutation<{ id: string }>("respond.transferPut", { ciphertext });
      const c = transferCode(id, key);
      setSent({ code: c, link: `${window.location.origin}/home#transfer=${c}` });
    } catch (e) {
      setNote({ ok: false, text: t("failed", { error: (e as Error).message }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section style={box} data-testid="token-transfer" aria-label={t("title")}>
      <h3 style={{ margin: "0 0 6px", fontSize: 16 }}>{t("title")}</h3>
      <p style={{ margin: "0 0 10px", color: "#595959", fontSize: 13 }}>{t("intro")}</p>
      {!sent && (
        <button type="button" style={button} onClick={() => void send()} disabled={busy} data-testid="transfer-send">
          {busy ? t("sending") : t("send")}
        </button>
      )}
      {sent && (
        <div data-testid="transfer-sent">
          <div style={{ fontSize: 13 }}>{t("codeLabel", { minutes: 10 })}</div>
          <code style={code} data-testid="transfer-code">
            {sent.code}
          </code>
          <div style={{ fontSize: 13, marginTop: 8 }}>{t("linkLabel")}</div>
          <code style={{ ...code, fontSize: 12 }}>{sent.link}</code>
          <button type="button" style={button} onClick={() => void navigator.clipboard?.writeText(sent.link)}>
            {t("copy")}
          </button>
        </div>
      )}
      <form
        style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "center", marginTop: 12 }}
        onSubmit={(e) => {
          e.preventDefault();
          void receive(input);
        }}
      >
        <label htmlFor="transfer-code-input" style={{ fontSize: 13 }}>
          {t("receive")}
        </label>
        <input
          id="transfer-code-input"
          data-testid="transfer-input"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder={t("receivePlaceholder")}
          autoComplete="off"
          spellCheck={false}
          style={{ flex: "1 1 220px", minWidth: 0, padding: "6px 8px", border: "1px solid #d9d9d9", borderRadius: 6, fontSize: 14 }}
        />
        <button type="submit" style={primary} disabled={busy || input.trim() === ""} data-testid="transfer-receive">
          {t("receiveOk")}
        </button>
      </form>
      {note && (
        <p role="status" data-testid="transfer-note" style={{ margin: "8px 0 0", fontSize: 13, color: note.ok ? "#389e0d" : "#cf1322" }}>
          {note.text}
        </p>
      )}
    </section>
  );
}
