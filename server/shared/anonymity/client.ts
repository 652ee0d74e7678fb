// Client side of anonymous collection (RFC 9474 blind RSA, RSABSSA-SHA384-PSS-Randomized).
// Runs in the browser and in Node ≥ 20: WebCrypto (globalThis.crypto) and
// @cloudflare/blindrsa-ts only — no node:* imports, no Buffer.
//
//   token            = prepareToken()                    64 bytes: 32-byte RFC 9474 prefix ‖ 32 random bytes
//   {blindedMsg,inv} = blindToken(targetPublicKey, token) → send blindedMsg (signed in)
//   blindSig         ← server (blind.ts blindSign)
//   signature        = finalizeToken(targetPublicKey, token, blindSig, inv)  (throws unless it verifies)
//   submit (targetId, token, signature) later, without a session.
//
// The token and inv must never leave the browser before submission; inv never at all.
import { RSABSSA } from "@cloudflare/blindrsa-ts";

import { TOKEN_BYTES, TOKEN_MSG_BYTES } from "./params";

export { PSS_SALT_LENGTH, RSABSSA_VARIANT, TOKEN_BYTES, TOKEN_MSG_BYTES, TOKEN_PREFIX_BYTES } from "./params";

const suite = RSABSSA.SHA384.PSS.Randomized();

/** A target's public key: a WebCrypto key, or the SPKI as stored in target_keys.public_key (base64). */
export type TargetPublicKey = CryptoKey | string;

function webcrypto(): Crypto {
  const c = globalThis.crypto;
  if (!c?.subtle) throw new Error("WebCrypto is not available (needs a secure context or Node ≥ 20)");
  return c;
}

/** Imports a base64 SPKI (rsaEncryption) as an extractable RSA-PSS/SHA-384 verify key, as the package needs. */
export async function importTargetPublicKey(publicKeySpki: string): Promise<CryptoKey> {
  return webcrypto().subtle.importKey("spki", fromBase64(publicKeySpki), { name: "RSA-PSS", hash: "SHA-384" }, true, ["verify"]);
}

async function asKey(key: TargetPublicKey): Promise<CryptoKey> {
  return typeof key === "string" ? importTargetPublicKey(key) : key;
}

/** A fresh token: RFC 9474 Prepare (32-byte random prefix) over 32 random bytes. */
export function prepareToken(): Uint8Array {
  const msg = webcrypto().getRandomValues(new Uint8Array(TOKEN_MSG_BYTES));
  const token = suite.prepare(msg);
  if (token.length !== TOKEN_BYTES) throw new Error("unexpected prepared token length");
  return token;
}

/** Blinds a token with the target's public key. Only blindedMsg is sent to the server. */
export async function blindToken(publicKey: TargetPublicKey, token: Uint8Array): Promise<{ blindedMsg: Uint8Array; inv: Uint8Array }> {
  if (token.length !== TOKEN_BYTES) throw new Error(`token must be ${TOKEN_BYTES} bytes`);
  const { blindedMsg, inv } = await suite.blind(await asKey(publicKey), token);
  return { blindedMsg, inv };
}

/**
 * Unblinds the server's blind signature. Throws if the result does not verify under the
 * target's public key (a server that signs with another key, or returns garbage, is caught here).
 */
export async function finalizeToken(
  publicKey: TargetPublicKey,
  token: Uint8Array,
  blindSig: Uint8Array,
  inv: Uint8Array,
): Promise<Uint8Array> {
  return suite.finalize(await asKey(publicKey), token, blindSig, inv);
}

/** Client-side verification (WebCrypto RSA-PSS, salt 48). */
export async function verifyTokenWebCrypto(publicKey: TargetPublicKey, token: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return suite.verify(await asKey(publicKey), signature, token);
}

/**
 * SHA-256 of the SPKI bytes, hex. Publish these when the campaign opens; the browser compares
 * the key it is given with the published fingerprint, so a key unique to one student (a tag) shows.
 */
export async function publicKeyFingerprint(publicKeySpki: string): Promise<string> {
  const digest = await webcrypto().subtle.digest("SHA-256", fromBase64(publicKeySpki));
  return toHex(new Uint8Array(digest));
}

// ---- encoding helpers (browser-safe) ----

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Accepts standard or URL-safe base64, with or without padding. Throws on anything else. */
export function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const std = b64.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(std)) throw new Error("invalid base64");
  const bin = atob(std.padEnd(Math.ceil(std.length / 4) * 4, "="));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
