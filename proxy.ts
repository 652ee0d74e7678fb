import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce } from "./server/http/csp";

// Every page gets a strict Content-Security-Policy with a nonce of its own (server/http/csp.ts).
// Next.js reads the nonce from the request's policy header and puts it on its scripts.
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Not the route handlers: Next.js buffers the body of every request the proxy runs on
      // (up to 10 MB, silently cut beyond), which would undo their body limits
      // (server/http/body.ts). Their responses get API_CONTENT_SECURITY_POLICY from
      // next.config.js. Not static files, nor prefetches (no document is made from them).
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
