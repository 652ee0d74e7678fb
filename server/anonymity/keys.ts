// Per-target RSA-2048 signing keys (one per campaign target = teacher × section) and their
// encryption at rest. Maps onto db/schema/responses.ts `target_keys`:
//   public_key  ← publicKeySpki        (base64 DER SubjectPublicKeyInfo, rsaEncryption)
//   private_key ← privateKeyEncrypted  ("v1." base64url(iv ‖ AES-256-GCM(PKCS#8 DER) ‖ tag))
// The AES key is HKDF-SHA256(secret) and the target id is the GCM associated data, so a
// row's private key cannot be moved to another target, and nothing decrypts without the secret.
// Anonymity does not rest on this secrecy (blinding is information-theoretic); it protects
// integrity: whoever holds a private key can mint valid tokens for that target.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";

export const TARGET_KEY_BITS = 2048;
const FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = "tqe/anonymity/target-key-encryption";
const HKDF_INFO = "aes-256-gcm/v1";
const MIN_SECRET_BYTES = 16;

export type TargetKeyRecord = {
  /** base64 DER SPKI; goes into target_keys.public_key and is published when the campaign opens. */
  publicKeySpki: string;
  /** The PKCS#8 private key encrypted under the server key, bound to the target id. */
  privateKeyEncrypted: string;
};

export type Secret = string | Uint8Array;

function checkTargetId(targetId: number): void {
  if (!Number.isSafeInteger(targetId) || targetId <= 0) throw new Error("targetId must be a positive integer");
}

function encryptionKey(secret: Secret): Buffer {
  const ikm = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  if (ikm.length < MIN_SECRET_BYTES) throw new Error(`the key secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return Buffer.from(hkdfSync("sha256", ikm, HKDF_SALT, HKDF_INFO, 32));
}

function associatedData(targetId: number): Buffer {
  return Buffer.from(`tqe/anonymity/target-key/${FORMAT}/target:${targetId}`, "utf8");
}

/** Generates an RSA-2048 (e = 65537) key pair for a target (async, ~90 ms off the event loop). */
export async function generateTargetKey(targetId: number, secret: Secret): Promise<TargetKeyRecord> {
  checkTargetId(targetId);
  const key = encryptionKey(secret); // fail before spending 90 ms on a bad secret
  const { publicKey, privateKey } = await new Promise<{ publicKey: Buffer; privateKey: Buffer }>((resolve, reject) => {
    generateKeyPair(
      "rsa",
      {
        modulusLength: TARGET_KEY_BITS,
        publicExponent: 0x10001,
        publicKeyEncoding: { type: "spki", format: "der" },
        privateKeyEncoding: { type: "pkcs8", format: "der" },
      },
      (err, pub, priv) => (err ? reject(err) : resolve({ publicKey: pub, privateKey: priv })),
    );
  });
  try {
    return {
      publicKeySpki: publicKey.toString("base64"),
      privateKeyEncrypted: seal(privateKey, targetId, key),
    };
  } finally {
    privateKey.fill(0);
  }
}

function seal(pkcs8: Buffer, targetId: number, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(associatedData(targetId));
  const ct = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return `${FORMAT}.${Buffer.concat([iv, ct, cipher.getAuthTag()]).toString("base64url")}`;
}

/** Encrypts an existing PKCS#8 (DER) private key for a target (e.g. re-encryption under a new secret). */
export function encryptTargetKey(privateKeyPkcs8: Uint8Array, targetId: number, secret: Secret): string {
  checkTargetId(targetId);
  return seal(Buffer.from(privateKeyPkcs8), targetId, encryptionKey(secret));
}

/**
 * Decrypts a target's private key. Throws if the secret or target id is wrong or the value was
 * altered. With `publicKeySpki`, also checks that the private key belongs to that public key.
 */
export function decryptTargetKey(privateKeyEncrypted: string, targetId: number, secret: Secret, publicKeySpki?: string): KeyObject {
  checkTargetId(targetId);
  const key = encryptionKey(secret);
  const [format, body, ...rest] = privateKeyEncrypted.split(".");
  if (format !== FORMAT || !body || rest.length) throw new Error("unknown encrypted key format");
  const raw = Buffer.from(body, "base64url");
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error("encrypted key is truncated");
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(targetId));
  decipher.setAuthTag(tag);
  let pkcs8: Buffer;
  try {
    pkcs8 = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new Error("cannot decrypt the target key (wrong secret or target, or altered)");
  }
  try {
    const privateKey = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
    if (privateKey.asymmetricKeyType !== "rsa") throw new Error("target key is not an RSA key");
    if (publicKeySpki !== undefined) {
      const expected = importTargetPublicKey(publicKeySpki);
      if (!expected.equals(createPublicKey(privateKey))) throw new Error("the target's private key does not match its public key");
    }
    return privateKey;
  } finally {
    pkcs8.fill(0);
  }
}

/** The node:crypto KeyObject for a stored public key (base64 DER SPKI). */
export function importTargetPublicKey(publicKeySpki: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(publicKeySpki, "base64"), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "rsa") throw new Error("target key is not an RSA key");
  return key;
}
