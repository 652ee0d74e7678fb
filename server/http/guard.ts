import { env } from "../env";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The client address: the first X-Forwarded-For hop (set by the reverse proxy), else X-Real-IP. */
export function clientIp(headers: Headers): string | null {
  const fwd = headers.get("x-forwarded-for");
  if (fwd) return fwd.split(",")[0].trim() || null;
  return headers.get("x-real-ip");
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
