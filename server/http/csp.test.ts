import { createRequire } from "node:module";
import { assert, describe, expect, it } from "vitest";
import { config as proxyConfig, proxy } from "@/proxy";
import { at } from "@/server/shared/indexed";
import { NextRequest } from "next/server";
import { API_CONTENT_SECURITY_POLICY, contentSecurityPolicy, newNonce } from "./csp";
// next.config.js is CommonJS: loaded through require, as Next loads it
const nextConfig = createRequire(import.meta.url)("../../next.config.js") as {
  headers: () => Promise<{ source: string; headers: unknown[] }[]>;
};

const directives = (policy: string) =>
  new Map(
    policy
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );

describe("Content-Security-Policy", () => {
  it("runs only scripts with this response's nonce: no inline handlers, no eval, requests to the app only", () => {
    const d = directives(contentSecurityPolicy("abc123=="));
    expect(d.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(d.get("script-src-attr")).toEqual(["'none'"]);
    expect(d.get("connect-src")).toEqual(["'self'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(d.get("default-src")).toEqual(["'self'"]);
    expect([...d.values()].flat()).not.toContain("'unsafe-eval'");
    expect(d.get("script-src")).not.toContain("'unsafe-inline'");
    expect(directives(contentSecurityPolicy("n", { dev: true })).get("script-src")).toContain("'unsafe-eval'");
  });

  it("a fresh, unguessable nonce per page, in the response and in the request Next.js renders", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
    const res = proxy(new NextRequest("http://pj.example.edu.cn/home"));
    const policy = res.headers.get("content-security-policy");
    assert.exists(policy);
    const m = /'nonce-([^']+)'/.exec(policy);
    assert.exists(m);
    const nonce = at(m, 1);
    expect(res.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(res.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
  });

  it("covers every page but not the route handlers (whose bodies the proxy would buffer), which get a policy of their own", async () => {
    const source = new RegExp(`^${at(proxyConfig.matcher, 0).source.replace("/(", "/(?:")}$`);
    for (const path of ["/", "/home", "/signin", "/respond/1/2", "/i/abc", "/admin/instruments/3/edit", "/no-such-page"])
      expect(path, path).toMatch(source);
    for (const path of ["/api/submit", "/api/trpc/me.whoami", "/api/auth/session", "/_next/static/chunks/x.js"])
      expect(path, path).not.toMatch(source);
    const headers = await nextConfig.headers();
    expect(headers.find((h) => h.source === "/api/:path*")?.headers).toEqual([
      { key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY },
    ]);
  });
});
