// Server side of anonymous collection (RFC 9474, RSABSSA-SHA384-PSS-Randomized).
//   issuance (signed in):    blindSign(targetPrivateKey, blindedMsg) for each of the student's targets
//   submission (no session): verifyToken(targetPublicKey, token, signature), then store tokenHash(token)
//                            in responses.spent_token_hash (unique ⇒ each token is spent once)
// The raw RSA operation goes through node:crypto (OpenSSL, CRT + blinding, ~0.3 ms) instead of
// the package's pure-JS blindSign (~320 ms); the result is checked with the public exponent
// before it leaves (RFC 9474 §4.3 step 3–4, against fault attacks that would leak the key).
import {
  constants,
  createHash,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  timingSafeEqual,
  verify,
  type KeyObject,
} from "node:crypto";
import { PSS_SALT_LENGTH, RSABSSA_VARIANT, TOKEN_BYTES } from "@/server/shared/anonymity/params";
import { importTargetPublicKey } from "./keys";

export { PSS_SALT_LENGTH, RSABSSA_VARIANT, TOKEN_BYTES };

export class BlindSignError extends Error {
  constructor(readonly reason: "bad_key" | "bad_length" | "out_of_range" | "signing_failure") {
    super(`blind signing refused: ${reason}`);
    this.name = "BlindSignError";
  }
}

type Modulus = { n: bigint; bytes: number; publicKey: KeyObject };
const moduli = new WeakMap<KeyObject, Modulus>();

function modulusOf(key: KeyObject): Modulus {
  let m = moduli.get(key);
  if (!m) {
    if (key.asymmetricKeyType !== "rsa") throw new BlindSignError("bad_key");
    const publicKey = key.type === "private" ? createPublicKey(key) : key;
    const jwk = publicKey.export({ format: "jwk" });
    if (!jwk.n) throw new BlindSignError("bad_key");
    const nBytes = Buffer.from(jwk.n, "base64url");
    m = { n: bytesToBigInt(nBytes), bytes: Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8), publicKey };
    if (m.bytes < 256) throw new BlindSignError("bad_key"); // RSA-2048 or more
    moduli.set(key, m);
  }
  return m;
}

function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex")}`);
}

/**
 * RFC 9474 BlindSign: s = m^d mod n over the blinded message, returned as modulus-length bytes.
 * Refuses input of the wrong length, m = 0 or m ≥ n, and any result that fails s^e ≡ m (mod n).
 */
export function blindSign(privateKey: KeyObject, blindedMsg: Uint8Array): Uint8Array {
  if (privateKey.type !== "private") throw new BlindSignError("bad_key");
  const { n, bytes, publicKey } = modulusOf(privateKey);
  if (!(blindedMsg instanceof Uint8Array) || blindedMsg.length !== bytes) throw new BlindSignError("bad_length");
  const m = bytesToBigInt(blindedMsg);
  if (m === 0n || m >= n) throw new BlindSignError("out_of_range");
  const input = Buffer.from(blindedMsg); // a copy: the caller's buffer is not touched
  let s: Buffer;
  try {
    s = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input);
  } catch {
    throw new BlindSignError("signing_failure");
  }
  if (s.length !== bytes) throw new BlindSignError("signing_failure");
  const check = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, s);
  if (check.length !== input.length || !timingSafeEqual(check, input)) throw new BlindSignError("signing_failure");
  return new Uint8Array(s.buffer, s.byteOffset, s.byteLength);
}

/**
 * RFC 9474 Verify: RSASSA-PSS (SHA-384, MGF1-SHA-384, salt 48) over the full prepared message.
 * `token` is what the client submits: the 32-byte prefix ‖ its 32 random bytes. Never throws.
 */
export function verifyToken(publicKey: KeyObject | string, token: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = typeof publicKey === "string" ? importTargetPublicKey(publicKey) : publicKey;
    const { bytes } = modulusOf(key);
    if (!(token instanceof Uint8Array) || token.length !== TOKEN_BYTES) return false;
    if (!(signature instanceof Uint8Array) || signature.length !== bytes) return false;
    return verify(
      "sha384",
      token,
      {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: PSS_SALT_LENGTH,
      },
      signature,
    );
  } catch {
    return false;
  }
}

/** What the anonymous side stores (responses.spent_token_hash): SHA-256 of the token, hex. */
export function tokenHash(token: Uint8Array): string {
  if (!(token instanceof Uint8Array) || token.length !== TOKEN_BYTES) throw new Error(`token must be ${TOKEN_BYTES} bytes`);
  return createHash("sha256").update(token).digest("hex");
}
