// Cost of the blind-signature core (server/anonymity/blind.ts, keys.ts, client.ts), one line:
//   npm run bench:blind
//   bench-blind: keygen_ms=<n> sign_ms=<n> verify_ms=<n> package_sign_ms=<n>
// keygen: generateTargetKey (RSA-2048 + encryption), mean over BENCH_KEYS (default 5);
// sign: blindSign via node:crypto incl. the s^e check, mean over BENCH_N (default 500);
// verify: verifyToken, mean over BENCH_N; package_sign: @cloudflare/blindrsa-ts pure-JS
// blindSign, mean over 3 runs only (it takes ~0.3 s each).
import { RSABSSA } from "@cloudflare/blindrsa-ts";
import { blindSign, verifyToken } from "@/server/anonymity/blind";
import { blindToken, finalizeToken, importTargetPublicKey as importWebKey, prepareToken } from "@/server/shared/anonymity/client";
import { decryptTargetKey, generateTargetKey, importTargetPublicKey } from "@/server/anonymity/keys";
import { at } from "@/server/shared/indexed";

const KEYS = Number(process.env.BENCH_KEYS ?? 5);
const N = Number(process.env.BENCH_N ?? 500);
const PACKAGE_RUNS = 3;
const SECRET = "bench-secret-0123456789abcdef";
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(3) : ms.toFixed(1));

async function main() {
  let t = performance.now();
  const records = [];
  for (let i = 0; i < KEYS; i++) records.push(await generateTargetKey(i + 1, SECRET));
  const keygenMs = (performance.now() - t) / KEYS;

  const rec = at(records, 0); // the first of KEYS
  const sk = decryptTargetKey(rec.privateKeyEncrypted, 1, SECRET, rec.publicKeySpki);
  const pk = importTargetPublicKey(rec.publicKeySpki);
  const web = await importWebKey(rec.publicKeySpki);

  // client work is not timed; prepare N blinded messages first
  const clients = [];
  for (let i = 0; i < Math.min(N, 50); i++) {
    const token = prepareToken();
    clients.push({ token, ...(await blindToken(web, token)) });
  }
  blindSign(sk, at(clients, 0).blindedMsg); // warm-up
  const blindSigs: Uint8Array[] = [];
  t = performance.now();
  for (let i = 0; i < N; i++) blindSigs.push(blindSign(sk, at(clients, i % clients.length).blindedMsg));
  const signMs = (performance.now() - t) / N;

  const finals = [];
  for (const [i, c] of clients.entries()) finals.push({ token: c.token, sig: await finalizeToken(web, c.token, at(blindSigs, i), c.inv) });
  t = performance.now();
  let ok = 0;
  for (let i = 0; i < N; i++) {
    const f = at(finals, i % finals.length);
    if (verifyToken(pk, f.token, f.sig)) ok++;
  }
  const verifyMs = (performance.now() - t) / N;
  if (ok !== N) throw new Error(`verification failed ${N - ok} times`);

  const suite = RSABSSA.SHA384.PSS.Randomized();
  const webSk = await crypto.subtle.importKey(
    "pkcs8",
    sk.export({ format: "der", type: "pkcs8" }),
    { name: "RSA-PSS", hash: "SHA-384" },
    true,
    ["sign"],
  );
  t = performance.now();
  for (let i = 0; i < PACKAGE_RUNS; i++) await suite.blindSign(webSk, at(clients, i).blindedMsg);
  const packageMs = (performance.now() - t) / PACKAGE_RUNS;

  console.log(
    `bench-blind: keygen_ms=${fmt(keygenMs)} sign_ms=${fmt(signMs)} verify_ms=${fmt(verifyMs)} package_sign_ms=${fmt(packageMs)}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
