// Moving this device's tokens to another device (browser and Node: WebCrypto only). The
// bundle is encrypted with AES-256-GCM under a fresh random key; the server stores only the
// ciphertext (server/anonymity/transfer.ts) and the key travels in the code the student
// carries over, never in a request: "<id>.<key>" typed in, or the link /home#transfer=<id>.<key>
// (a fragment is not sent to the server).
import type { TokenRecord, TokenState } from "./tokenStore";
import { at } from "@/server/shared/indexed";

const AAD = new TextEncoder().encode("tqe-transfer/v1");
const STATES: readonly TokenState[] = ["ready", "submitted", "declined"];

const b64url = (b: Uint8Array) =>
  btoa(String.fromCharCode(...b))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}
function chunked(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Encrypts the records; returns the ciphertext (for the server) and the key (for the code only). */
export async function sealBundle(records: readonly TokenRecord[]): Promise<{ ciphertext: string; key: string }> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify({ v: 1, records }));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: AAD }, key, plain));
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return { ciphertext: chunked(out), key: b64url(raw) };
}

const isRecord = (r: unknown): r is TokenRecord => {
  const x = r as Record<string, unknown>;
  return (
    typeof x === "object" &&
    x !== null &&
    Number.isSafeInteger(x.targetId) &&
    Number.isSafeInteger(x.campaignId) &&
    typeof x.token === "string" &&
    x.token.length < 200 &&
    typeof x.signature === "string" &&
    x.signature.length < 1000 &&
    STATES.includes(x.state as TokenState)
  );
};

/** Decrypts a bundle; throws on a wrong key or anything altered or malformed. */
export async function openBundle(ciphertext: string, keyText: string): Promise<TokenRecord[]> {
  const raw = fromB64url(keyText);
  if (raw.length !== 32) throw new Error("bad key");
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
  const all = fromB64url(ciphertext);
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: all.subarray(0, 12), additionalData: AAD }, key, all.subarray(12));
  const o = JSON.parse(new TextDecoder().decode(plain)) as { v?: number; records?: unknown[] };
  if (o.v !== 1 || !Array.isArray(o.records) || !o.records.every(isRecord)) throw new Error("bad bundle");
  return o.records.map((r) => ({ targetId: r.targetId, campaignId: r.campaignId, token: r.token, signature: r.signature, state: r.state }));
}

/** The code the student carries over: the transfer's id and the key, e.g. "AbC…xyz.KeY…". */
export const transferCode = (id: string, key: string) => `${id}.${key}`;

/** The id and key of a code as typed (spaces and line breaks ignored), or null. */
export function parseTransferCode(text: string): { id: string; key: string } | null {
  const m = text
    .replace(/\s+/g, "")
    .replace(/^.*#transfer=/, "")
    .match(/^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/);
  return m ? { id: at(m, 1), key: at(m, 2) } : null;
}

/** What this device keeps when it already has some of the records: the furthest state wins. */
export function mergeRecords(mine: ReadonlyMap<number, TokenRecord>, incoming: readonly TokenRecord[]): TokenRecord[] {
  return incoming.map((r) => {
    const m = mine.get(r.targetId);
    return m && m.state !== "ready" ? m : r;
  });
}
