import { RSABSSA } from "@cloudflare/blindrsa-ts";
import { constants, publicEncrypt, type KeyObject } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { BlindSignError, blindSign, tokenHash, verifyToken } from "./blind";
import {
  blindToken,
  finalizeToken,
  fromBase64,
  importTargetPublicKey as importWebKey,
  prepareToken,
  toBase64,
  verifyTokenWebCrypto,
} from "@/server/shared/anonymity/client";
import { decryptTargetKey, generateTargetKey, importTargetPublicKey } from "./keys";
import { TOKEN_BYTES } from "@/server/shared/anonymity/params";
import { expectFailure } from "../test/errors";
import { at } from "@/server/shared/indexed";

const SECRET = "test-secret-0123456789abcdef-0123456789";

type Target = { id: number; spki: string; sk: KeyObject; pk: KeyObject; web: CryptoKey; n: bigint };

async function makeTarget(id: number): Promise<Target> {
  const rec = await generateTargetKey(id, SECRET);
  const sk = decryptTargetKey(rec.privateKeyEncrypted, id, SECRET, rec.publicKeySpki);
  const pk = importTargetPublicKey(rec.publicKeySpki);
  const { n: modulus } = pk.export({ format: "jwk" });
  if (modulus === undefined) throw new Error("an RSA public key has a modulus n");
  const n = big(Buffer.from(modulus, "base64url"));
  return { id, spki: rec.publicKeySpki, sk, pk, web: await importWebKey(rec.publicKeySpki), n };
}

const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString("hex") || "0"}`);
const bytes = (x: bigint, len: number) => Uint8Array.from(Buffer.from(x.toString(16).padStart(len * 2, "0"), "hex"));
const flip = (b: Uint8Array, i: number) => {
  const c = Uint8Array.from(b);
  c[i] = at(c, i) ^ 0x01;
  return c;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
function modInv(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error("not invertible");
  return ((s0 % m) + m) % m;
}

/** One full issuance + finalisation, as the browser and server will do it. */
async function issue(t: Target) {
  const token = prepareToken();
  const { blindedMsg, inv } = await blindToken(t.spki, token);
  const blindSig = blindSign(t.sk, blindedMsg);
  const signature = await finalizeToken(t.web, token, blindSig, inv);
  return { token, blindedMsg, inv, blindSig, signature };
}

let A: Target;
let B: Target;
beforeAll(async () => {
  [A, B] = await Promise.all([makeTarget(101), makeTarget(102)]);
});

describe("round trip (package client ↔ node:crypto server)", () => {
  it("prepare → blind → blindSign → finalize → verify", async () => {
    const { token, blindedMsg, blindSig, signature } = await issue(A);
    expect(token).toHaveLength(TOKEN_BYTES);
    expect(blindedMsg).toHaveLength(256);
    expect(blindSig).toHaveLength(256);
    expect(signature).toHaveLength(256);
    expect(verifyToken(A.pk, token, signature)).toBe(true);
    expect(verifyToken(A.spki, token, signature)).toBe(true); // stored base64 SPKI works too
    expect(await verifyTokenWebCrypto(A.web, token, signature)).toBe(true);
  });

  it("node:crypto blindSign equals the package's pure-JS blindSign, and each verifies on the other side", async () => {
    const suite = RSABSSA.SHA384.PSS.Randomized();
    const pkcs8 = A.sk.export({ format: "der", type: "pkcs8" });
    const webSk = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "RSA-PSS", hash: "SHA-384" }, true, ["sign"]);
    const token = suite.prepare(crypto.getRandomValues(new Uint8Array(32)));
    const { blindedMsg, inv } = await suite.blind(A.web, token);
    const pkgBlindSig = await suite.blindSign(webSk, blindedMsg);
    expect(hex(blindSign(A.sk, blindedMsg))).toBe(hex(pkgBlindSig));
    const sig = await suite.finalize(A.web, token, pkgBlindSig, inv);
    expect(verifyToken(A.pk, token, sig)).toBe(true);
    expect(await suite.verify(A.web, sig, token)).toBe(true);
  });

  it("one request can carry all of a student's targets", async () => {
    const targets = [A, B, A, B, A, B];
    const prepared = await Promise.all(
      targets.map(async (t) => {
        const token = prepareToken();
        return { t, token, ...(await blindToken(t.web, token)) };
      }),
    );
    const blindSigs = prepared.map((p) => blindSign(p.t.sk, p.blindedMsg)); // the server's batch
    for (const [i, p] of prepared.entries()) {
      const sig = await finalizeToken(p.t.web, p.token, at(blindSigs, i), p.inv);
      expect(verifyToken(p.t.pk, p.token, sig)).toBe(true);
    }
  });
});

describe("refusals", () => {
  it("a signature for target A does not verify for target B", async () => {
    const { token, signature } = await issue(A);
    expect(verifyToken(A.pk, token, signature)).toBe(true);
    expect(verifyToken(B.pk, token, signature)).toBe(false);
    expect(await verifyTokenWebCrypto(B.web, token, signature)).toBe(false);
  });

  it("the client refuses a blind signature made with another target's key, or garbage", async () => {
    const token = prepareToken();
    let blinded = await blindToken(A.web, token);
    while (big(blinded.blindedMsg) >= B.n) blinded = await blindToken(A.web, token); // else B's server refuses already
    const wrong = blindSign(B.sk, blinded.blindedMsg);
    await expect(finalizeToken(A.web, token, wrong, blinded.inv)).rejects.toThrow();
    await expect(finalizeToken(A.web, token, crypto.getRandomValues(new Uint8Array(256)), blinded.inv)).rejects.toThrow();
    // and the right one still works
    const right = await finalizeToken(A.web, token, blindSign(A.sk, blinded.blindedMsg), blinded.inv);
    expect(verifyToken(A.pk, token, right)).toBe(true);
  });

  it("a tampered token or signature is refused", async () => {
    const { token, signature } = await issue(A);
    for (const i of [0, 31, 32, TOKEN_BYTES - 1]) expect(verifyToken(A.pk, flip(token, i), signature)).toBe(false);
    for (const i of [0, 100, 255]) expect(verifyToken(A.pk, token, flip(signature, i))).toBe(false);
    expect(verifyToken(A.pk, token.subarray(32), signature)).toBe(false); // the bare message without the RFC 9474 prefix
    expect(verifyToken(A.pk, token, signature.subarray(1))).toBe(false);
    expect(verifyToken(A.pk, token, new Uint8Array(256).fill(0xff))).toBe(false); // ≥ n
    expect(verifyToken(A.pk, token, new Uint8Array(256))).toBe(false);
    expect(verifyToken(A.pk, new Uint8Array(0), signature)).toBe(false);
    expect(verifyToken("not a key", token, signature)).toBe(false);
  });

  it("blindSign refuses malformed input", async () => {
    const { blindedMsg } = await blindToken(A.web, prepareToken());
    const refuses = async (msg: Uint8Array, reason: string) => {
      const err = await expectFailure(() => blindSign(A.sk, msg), BlindSignError);
      expect(err.reason).toBe(reason);
    };
    await refuses(blindedMsg.subarray(1), "bad_length");
    await refuses(new Uint8Array([0, ...blindedMsg]), "bad_length");
    await refuses(new Uint8Array(0), "bad_length");
    await refuses(bytes(A.n, 256), "out_of_range"); // = n
    await refuses(bytes(A.n + 1n, 256), "out_of_range");
    await refuses(new Uint8Array(256).fill(0xff), "out_of_range");
    await refuses(new Uint8Array(256), "out_of_range"); // 0
    expect(() => blindSign(A.pk, blindedMsg)).toThrow(BlindSignError); // a public key cannot sign
    // n - 1 is in range and signs (and checks) fine
    expect(blindSign(A.sk, bytes(A.n - 1n, 256))).toHaveLength(256);
  });
});

describe("tokenHash", () => {
  it("is SHA-256 hex of the token, stable", () => {
    expect(tokenHash(new Uint8Array(TOKEN_BYTES))).toBe("f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
    const t = prepareToken();
    expect(tokenHash(t)).toBe(tokenHash(Uint8Array.from(t)));
    expect(tokenHash(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(t)).not.toBe(tokenHash(flip(t, 0)));
    expect(() => tokenHash(t.subarray(1))).toThrow();
  });
});

describe("unlinkability sanity", () => {
  it("the server's view of issuance cannot be matched to the submitted (token, signature)", async () => {
    const N = 50;
    const issued = [];
    for (let i = 0; i < N; i++) issued.push(await issue(A));
    const seenBlinded = new Set(issued.map((x) => hex(x.blindedMsg)));
    const seenBlindSigs = new Set(issued.map((x) => hex(x.blindSig)));
    const seen = (b: Uint8Array) => seenBlinded.has(hex(b)) || seenBlindSigs.has(hex(b));

    // No 8-byte run of any final token or signature occurs in anything the server saw.
    const windows = new Set<string>();
    for (const x of issued)
      for (const b of [x.blindedMsg, x.blindSig]) for (let i = 0; i + 8 <= b.length; i++) windows.add(hex(b.subarray(i, i + 8)));
    for (const x of issued)
      for (const b of [x.token, x.signature])
        for (let i = 0; i + 8 <= b.length; i++) expect(windows.has(hex(b.subarray(i, i + 8)))).toBe(false);

    // Whatever the server recomputes from a final pair with its key does not reproduce its view.
    for (const x of issued) {
      expect(verifyToken(A.pk, x.token, x.signature)).toBe(true);
      const padded = new Uint8Array(256);
      padded.set(x.token, 256 - x.token.length);
      expect(seen(blindSign(A.sk, padded))).toBe(false); // sign the token itself
      expect(seen(blindSign(A.sk, x.signature))).toBe(false); // sig^d
      const em = publicEncrypt({ key: A.pk, padding: constants.RSA_NO_PADDING }, x.signature); // sig^e = EMSA-PSS(token)
      expect(seen(em)).toBe(false);
      expect(seen(blindSign(A.sk, em))).toBe(false); // = sig
      expect(seen(x.signature)).toBe(false);
    }

    // Every (issuance i, submission j) pairing is explained by some blinding factor r_ij, so the
    // server's view is the same whichever student submitted which token …
    const e = 65537n;
    for (const xi of issued.slice(0, 10)) {
      for (const xj of issued) {
        const sj = big(xj.signature);
        const r = (big(xi.blindSig) * modInv(sj, A.n)) % A.n;
        const emj = modPow(sj, e, A.n);
        expect((emj * modPow(r, e, A.n)) % A.n).toBe(big(xi.blindedMsg));
      }
    }
    // … and only the browser's own blinding factor (inv, never sent) links them.
    for (const [i, xi] of issued.entries()) {
      const unblinded = (big(xi.blindSig) * big(xi.inv)) % A.n;
      for (const [j, xj] of issued.entries()) expect(unblinded === big(xj.signature)).toBe(i === j);
    }
  });
});

describe("encoding helpers", () => {
  it("base64 round trips, standard and URL-safe", () => {
    const b = crypto.getRandomValues(new Uint8Array(300));
    expect(hex(fromBase64(toBase64(b)))).toBe(hex(b));
    expect(hex(fromBase64(Buffer.from(b).toString("base64url")))).toBe(hex(b));
    expect(() => fromBase64("not base64!")).toThrow();
  });
});
