import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// Typed, validated environment, read once: every setting the app and its command lines
// read is here (the app reads process.env nowhere else, apart from NEXT_RUNTIME/NEXT_PHASE
// and NODE_ENV, which Next.js itself sets). A bad value stops the process at start with the variable's
// name, not at the first request that needs it.

// What opening the database and the background work need; the command lines read only
// these (baseEnv), without the app's secrets.
const baseSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Set: PostgreSQL through postgres.js. Unset: embedded PGlite kept in PGLITE_DIR.
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DIR: z.string().default(".data/pglite"),
  // Connections of this process's postgres.js pool (at least 2: the scheduler's round holds
  // one for its leader lock while the work uses another).
  DB_POOL_MAX: z.coerce.number().int().min(2).max(1000).default(10),
  // The demo university is seeded on first start of an empty embedded database.
  DEMO_SEED: z.enum(["auto", "off"]).default("auto"),
  // Background work (closing campaigns, reminders, the outbox, recomputes): on, the app
  // process runs it (one node of several at a time, elected in PostgreSQL); off, it does not.
  SCHEDULER: z.enum(["on", "off"]).default("on"),
  // Milliseconds between two rounds of the background work.
  SCHEDULER_TICK_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(24 * 3600_000)
    .default(60_000),
  // The port `next start` listens on, for links when APP_URL is unset.
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Command lines print the stack of a failure; the recompute prints its steps' times.
  DEBUG: z.string().optional(),
  SCORES_DEBUG: z.string().optional(),
});

const schema = baseSchema.extend({
  // The app's public origin (https://pj.example.edu.cn). Used for the Origin check and
  // for links in invitations; unset, the request's own Host is taken.
  APP_URL: z.string().url().optional(),
  NEXTAUTH_SECRET: z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters").optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  // Reverse proxies in front of the app that append the client's address to X-Forwarded-For:
  // 0 (default), the socket's address is the client's; n, the n-th entry from the right
  // (server/http/guard.ts clientIp). More than are really there lets clients pick their address.
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  // Optional single sign-on (OIDC; CAS servers ≥ 5 speak OIDC too).
  AUTH_OIDC_ISSUER: z.string().url().optional(),
  AUTH_OIDC_CLIENT_ID: z.string().optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().optional(),
  AUTH_OIDC_NAME: z.string().default("统一身份认证"),
  AUTH_OIDC_NUMBER_CLAIM: z.string().default("preferred_username"),
  // Encrypts the per-target signing keys and derives invitation links (default: NEXTAUTH_SECRET).
  ANON_KEY_SECRET: z.string().min(32, "ANON_KEY_SECRET must be at least 32 characters").optional(),
  // Outgoing mail (invitations, reminders): smtp://user:pass@host:587 or smtps://…; unset,
  // messages are recorded in the outbox for the quality office to see and export.
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default("教学质量评价 <noreply@localhost>"),
  // The bare-database benchmark route (/api/bench/bare) answers only with BENCH_BARE=1.
  BENCH_BARE: z.enum(["0", "1"]).default("0"),
});

export type Env = z.infer<typeof schema> & { NEXTAUTH_SECRET: string };
export type BaseEnv = z.infer<typeof baseSchema>;

function parse<S extends z.ZodTypeAny>(s: S): z.infer<S> {
  const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ""));
  const parsed = s.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

function load(): Env {
  const env = parse(schema);
  if (env.AUTH_OIDC_ISSUER && !(env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET)) {
    throw new Error("Invalid environment:\n  AUTH_OIDC_ISSUER needs AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET");
  }
  // next-auth reads NEXTAUTH_URL itself; the app's one setting is APP_URL. Without it, next-auth
  // takes the origin from the forwarded host, which the auth route sets to the request's own
  // origin (server/http/guard.ts addressedToOwnOrigin), instead of http://localhost:3000.
  if (env.APP_URL && !process.env.NEXTAUTH_URL) process.env.NEXTAUTH_URL = env.APP_URL;
  if (!env.APP_URL && !process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST = "1";
  return { ...env, NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? localSecret(env) };
}

// Without a configured secret (a new machine on the embedded database) one is made
// once and kept beside the data, so sessions survive restarts. Production with a real
// PostgreSQL must configure it.
function localSecret(env: z.infer<typeof schema>): string {
  if (env.NODE_ENV === "test") return "test-secret-test-secret-test-secret-0000";
  if (env.DATABASE_URL && env.NODE_ENV === "production") {
    throw new Error("Invalid environment:\n  NEXTAUTH_SECRET is required with DATABASE_URL in production");
  }
  const file = path.resolve(".data/auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The secret behind target keys and invitation links. */
export function anonSecret(): string {
  const e = env();
  return e.ANON_KEY_SECRET ?? e.NEXTAUTH_SECRET;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= load();
  return cached;
}

let cachedBase: BaseEnv | undefined;
/** The settings of the database and the background work only (command lines: no secrets needed). */
export function baseEnv(): BaseEnv {
  cachedBase ??= parse(baseSchema);
  return cachedBase;
}
