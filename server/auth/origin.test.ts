import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// Sign-in, sign-out and next-auth's redirects name the origin the browser used when APP_URL is
// unset (here a port other than 3000), and the configured APP_URL otherwise. Through the real
// auth route handler, as the browser reaches it.

const SAVED = ["APP_URL", "NEXTAUTH_URL", "AUTH_TRUST_HOST"] as const;
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(SAVED.map((k) => [k, process.env[k]]));
  for (const k of SAVED) delete process.env[k];
  vi.resetModules();
});
afterEach(() => {
  for (const k of SAVED) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  vi.resetModules();
});

// The auth route (app/api/auth/[...nextauth]) hands next-auth the request with
// addressedToOwnOrigin's headers; next-auth's handler is called the same way here (the route
// itself needs Next's request scope; e2e/signin.e2e.ts goes through it on a real port).
async function route() {
  // next-auth's core handler (not in its package exports; the route's NextAuth() calls it).
  const { AuthHandler } = (await import(path.join(process.cwd(), "node_modules/next-auth/core/index.js"))) as {
    AuthHandler: (p: unknown) => Promise<unknown>;
  };
  const { authOptions } = await import("./options");
  const { addressedToOwnOrigin } = await import("../http/guard");
  return async (
    path: string,
    init: { method: "GET" | "POST"; host: string; headers?: Record<string, string>; body?: Record<string, string> },
  ) => {
    const raw = new Request(`http://${init.host}/api/auth/${path}`, {
      method: init.method,
      headers: { host: init.host, ...init.headers, ...(init.body ? { "content-type": "application/json" } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const req = new Request(raw.url, {
      method: raw.method,
      headers: addressedToOwnOrigin(raw),
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const res = (await AuthHandler({ req, options: authOptions() })) as {
      body?: unknown;
      cookies?: { name: string; value: string }[];
      redirect?: string;
    };
    return res;
  };
}

/** Signs out as the browser does (CSRF token from the csrf route, then POST signout); returns where it is sent. */
async function signOutUrl(host: string, callbackUrl = "/signin"): Promise<string> {
  const call = await route();
  const csrf = await call("csrf", { method: "GET", host });
  const { csrfToken } = csrf.body as { csrfToken: string };
  const cookie = (csrf.cookies ?? []).map((c) => `${c.name}=${c.value}`).join("; ");
  const res = await call("signout", { method: "POST", host, headers: { cookie }, body: { csrfToken, callbackUrl, json: "true" } });
  return res.redirect ?? (res.body as { url: string }).url;
}

async function credentialsCallback(host: string): Promise<string> {
  const call = await route();
  const providers = (await call("providers", { method: "GET", host })).body as Record<string, { callbackUrl: string }>;
  const credentials = providers.credentials;
  if (!credentials) throw new Error("next-auth lists no credentials provider");
  return credentials.callbackUrl;
}

describe("next-auth's origin", () => {
  it("without APP_URL, is the request's own host and port", async () => {
    expect(await credentialsCallback("127.0.0.1:4123")).toBe("http://127.0.0.1:4123/api/auth/callback/credentials");
    expect(await signOutUrl("127.0.0.1:4123")).toBe("http://127.0.0.1:4123/signin");
    // Another host, same process: its own origin, never the first request's.
    expect(await signOutUrl("pj.example.edu.cn:8080")).toBe("http://pj.example.edu.cn:8080/signin");
  });

  it("with APP_URL, is the app's own URL whatever the request says", async () => {
    process.env.APP_URL = "https://pj.example.edu.cn";
    expect(await credentialsCallback("127.0.0.1:4123")).toBe("https://pj.example.edu.cn/api/auth/callback/credentials");
    expect(await signOutUrl("127.0.0.1:4123")).toBe("https://pj.example.edu.cn/signin");
  });

  it("sends a redirect to another site back to the app's own origin", async () => {
    expect(await signOutUrl("127.0.0.1:4123", "https://evil.example.com/")).toBe("http://127.0.0.1:4123");
  });
});
