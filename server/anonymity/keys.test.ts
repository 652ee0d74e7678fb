import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { publicKeyFingerprint, importTargetPublicKey as importWebKey } from "@/server/shared/anonymity/client";
import { decryptTargetKey, encryptTargetKey, generateTargetKey, importTargetPublicKey, type TargetKeyRecord } from "./keys";
import { at } from "@/server/shared/indexed";

const SECRET = "nextauth-secret-for-tests-0123456789";
const OTHER = "another-secret-for-tests-0123456789";
let rec: TargetKeyRecord;

beforeAll(async () => {
  rec = await generateTargetKey(7, SECRET);
});

describe("target keys", () => {
  it("generates an RSA-2048 pair, public SPKI in base64, private encrypted", async () => {
    const pk = importTargetPublicKey(rec.publicKeySpki);
    expect(pk.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    expect(rec.privateKeyEncrypted).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    const sk = decryptTargetKey(rec.privateKeyEncrypted, 7, SECRET);
    expect(sk.type).toBe("private");
    expect(createPublicKey(sk).equals(pk)).toBe(true);
    // the browser imports the same SPKI (rsaEncryption OID) as RSA-PSS/SHA-384
    const web = await importWebKey(rec.publicKeySpki);
    expect(web.algorithm).toMatchObject({ name: "RSA-PSS", modulusLength: 2048 });
    expect(await publicKeyFingerprint(rec.publicKeySpki)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("does not store the private key in the clear", () => {
    const sk = decryptTargetKey(rec.privateKeyEncrypted, 7, SECRET);
    const pkcs8 = sk.export({ format: "der", type: "pkcs8" });
    const stored = Buffer.from(rec.privateKeyEncrypted.slice(3), "base64url");
    expect(stored.includes(pkcs8.subarray(40, 72))).toBe(false);
    // a fresh IV each time
    expect(encryptTargetKey(pkcs8, 7, SECRET)).not.toBe(encryptTargetKey(pkcs8, 7, SECRET));
    expect(decryptTargetKey(encryptTargetKey(pkcs8, 7, SECRET), 7, SECRET).equals(sk)).toBe(true);
  });

  it("cannot be decrypted with another target id or secret, or when altered", () => {
    expect(() => decryptTargetKey(rec.privateKeyEncrypted, 8, SECRET)).toThrow(/cannot decrypt/);
    expect(() => decryptTargetKey(rec.privateKeyEncrypted, 70, SECRET)).toThrow(/cannot decrypt/);
    expect(() => decryptTargetKey(rec.privateKeyEncrypted, 7, OTHER)).toThrow(/cannot decrypt/);
    const raw = Buffer.from(rec.privateKeyEncrypted.slice(3), "base64url");
    for (const i of [0, 20, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[i] = at(bad, i) ^ 1;
      expect(() => decryptTargetKey(`v1.${bad.toString("base64url")}`, 7, SECRET)).toThrow(/cannot decrypt/);
    }
    expect(() => decryptTargetKey(`v2.${raw.toString("base64url")}`, 7, SECRET)).toThrow(/format/);
    expect(() => decryptTargetKey("v1.AAAA", 7, SECRET)).toThrow(/truncated/);
  });

  it("checks the private key against the stored public key when given", async () => {
    const other = await generateTargetKey(7, SECRET);
    expect(decryptTargetKey(rec.privateKeyEncrypted, 7, SECRET, rec.publicKeySpki).type).toBe("private");
    expect(() => decryptTargetKey(rec.privateKeyEncrypted, 7, SECRET, other.publicKeySpki)).toThrow(/does not match/);
  });

  it("refuses weak secrets, bad target ids and non-RSA keys", async () => {
    await expect(generateTargetKey(1, "short")).rejects.toThrow(/at least 16 bytes/);
    await expect(generateTargetKey(0, SECRET)).rejects.toThrow(/positive integer/);
    await expect(generateTargetKey(1.5, SECRET)).rejects.toThrow(/positive integer/);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() => importTargetPublicKey(ec.publicKey.export({ format: "der", type: "spki" }).toString("base64"))).toThrow(/not an RSA key/);
    const sealed = encryptTargetKey(ec.privateKey.export({ format: "der", type: "pkcs8" }), 3, SECRET);
    expect(() => decryptTargetKey(sealed, 3, SECRET)).toThrow(/not an RSA key/);
    // a Uint8Array secret works as well
    const bin = crypto.getRandomValues(new Uint8Array(32));
    const r = await generateTargetKey(9, bin);
    expect(decryptTargetKey(r.privateKeyEncrypted, 9, Uint8Array.from(bin)).type).toBe("private");
  });
});
