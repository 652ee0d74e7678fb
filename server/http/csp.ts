/**
 * The Content-Security-Policy of every page, set by proxy.ts with a fresh nonce per
 * request (Next.js puts the nonce on its own scripts when it finds one in the request's
 * policy: pages must render per request, which they do).
 *
 * - Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic';
 *   'self' only for browsers without it). No inline event handlers (script-src-attr 'none'),
 *   no javascript: URLs, no eval: neither Next.js, React, Ant Design nor survey-core needs it
 *   in production (measured: every browser journey runs under this policy and fails on any
 *   violation, e2e/setup/csp.ts). Development adds 'unsafe-eval' for React's error overlay.
 * - Requests (fetch, XHR, WebSocket): the app's own origin only (connect-src 'self'), so a
 *   script that got in could not send anything away; images from the app, data: and blob:.
 * - Styles: 'unsafe-inline', for Ant Design's CSS-in-JS and SurveyJS's theme variables
 *   (a style nonce would forbid the style attributes React renders). CSS cannot run script,
 *   and with img-src/font-src/connect-src limited to the app it cannot send anything away.
 * - No plugins, no <base>, forms post only to the app, no framing by other sites.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Route handlers answer data, never pages: nothing in a response of theirs may load or run. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
