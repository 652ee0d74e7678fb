import { env } from "../kernel/env";
import { PEER_ADDRESS_HEADER } from "./incoming";
import { at } from "@/server/shared/indexed";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const bare = (a: string) =>
  a
    .trim()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "")
    .slice(0, 100);

/**
 * The client's address, for sign-in throttling. With `hops` trusted proxies in front of
 * the app (TRUSTED_PROXY_HOPS), each appending the address it saw to X-Forwarded-For, the
 * client is the entry `hops` places from the right of [X-Forwarded-For…, socket address]:
 * 0, the default, is the socket itself (the header is the client's to write and is
 * ignored); 1 is the last X-Forwarded-For entry, appended by the one proxy; fewer entries
 * than hops give the furthest one. Everything left of that entry is the client's own
 * writing and never counts. Null when the socket's address is unknown (not served by this
 * app's server process, e.g. in tests) and no hop is trusted.
 */
export function clientIp(headers: Headers, hops: number = env().TRUSTED_PROXY_HOPS): string | null {
  const peer = headers.get(PEER_ADDRESS_HEADER)?.trim() || null;
  const forwarded =
    hops > 0
      ? (headers.get("x-forwarded-for") ?? "")
          .split(",")
          .map((a) => a.trim())
          .filter(Boolean)
      : [];
  const chain = peer ? [...forwarded, peer] : forwarded;
  if (chain.length === 0 || (!peer && hops === 0)) return null;
  const index = Math.max(0, chain.length - 1 - (peer ? hops : hops - 1));
  return bare(at(chain, index)) || null;
}

/** The app's own origin: APP_URL when configured, otherwise what the request was addressed to. */
export function ownOrigin(req: Request): string {
  const configured = env().APP_URL;
  if (configured) return new URL(configured).origin;
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? url.host;
  const proto = req.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  return `${proto}://${host}`;
}

/**
 * A path of this app to send the browser to after sign-in, or `fallback`: only what a browser
 * resolves to the same origin ("/\\evil.example" and "//evil.example" are other sites to it).
 * Returned as the browser will read it, so what was checked is what is followed.
 */
export function localPath(raw: string | null | undefined, fallback = "/home"): string {
  if (!raw || !raw.startsWith("/")) return fallback;
  const base = "http://app.invalid";
  try {
    const u = new URL(raw, base);
    return u.origin === base ? `${u.pathname}${u.search}${u.hash}` : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The request as next-auth should see it: addressed to the app's own origin (ownOrigin). With
 * APP_URL set, next-auth takes it (NEXTAUTH_URL, set from it in env.ts); without, next-auth is
 * told to trust the forwarded host (AUTH_TRUST_HOST, env.ts), and these headers carry the
 * origin this app itself decided on, so sign-in, sign-out and every redirect next-auth makes
 * stay on the host and port the browser used (next-auth 4 would otherwise take
 * http://localhost:3000, and https for any host it is told of without a protocol).
 */
export function addressedToOwnOrigin(req: Request): Headers {
  const origin = new URL(ownOrigin(req));
  const headers = new Headers(req.headers);
  headers.set("x-forwarded-host", origin.host);
  headers.set("x-forwarded-proto", origin.protocol.replace(":", ""));
  return headers;
}

/**
 * State-changing requests must come from the app's own pages: the Origin header must be
 * present and equal the app's origin. Browsers always send it on cross-site and on
 * same-site POSTs, so a form or fetch from another site is refused even with the
 * user's cookies attached. Non-browser clients (benchmarks, scripts) send it themselves.
 */
export function isSameOriginRequest(req: Request): boolean {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return true;
  const origin = req.headers.get("origin");
  if (!origin || origin === "null") return false;
  if (req.headers.get("sec-fetch-site") === "cross-site") return false;
  return origin === ownOrigin(req);
}
