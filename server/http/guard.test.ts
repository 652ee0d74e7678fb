import { describe, expect, it } from "vitest";
import { clientIp, isSameOriginRequest, localPath } from "./guard";

const req = (method: string, headers: Record<string, string>) =>
  new Request("http://pj.example.edu.cn/api/trpc/x", { method, headers: { host: "pj.example.edu.cn", ...headers } });

describe("Origin check on state-changing requests", () => {
  it("lets reads through", () => {
    expect(isSameOriginRequest(req("GET", {}))).toBe(true);
  });
  it("accepts a POST from the app's own pages", () => {
    expect(isSameOriginRequest(req("POST", { origin: "http://pj.example.edu.cn", "sec-fetch-site": "same-origin" }))).toBe(true);
  });
  it("refuses a POST from another site, without an Origin, or from an opaque origin", () => {
    expect(isSameOriginRequest(req("POST", { origin: "http://evil.example.com" }))).toBe(false);
    expect(isSameOriginRequest(req("POST", { origin: "http://pj.example.edu.cn.evil.com" }))).toBe(false);
    expect(isSameOriginRequest(req("POST", {}))).toBe(false);
    expect(isSameOriginRequest(req("POST", { origin: "null" }))).toBe(false);
    expect(isSameOriginRequest(req("DELETE", { origin: "https://pj.example.edu.cn" }))).toBe(false);
  });
});

describe("the client address (sign-in throttling)", () => {
  // x-tqe-peer-address is the socket's address, stamped by the server (server/http/incoming.ts)
  // over anything a client sends under that name.
  const h = (peer: string | null, xff?: string) =>
    new Headers({
      ...(peer ? { "x-tqe-peer-address": peer } : {}),
      ...(xff ? { "x-forwarded-for": xff } : {}),
    });

  it("is the socket's address by default, whatever X-Forwarded-For says", () => {
    expect(clientIp(h("203.0.113.9"))).toBe("203.0.113.9");
    expect(clientIp(h("203.0.113.9", "1.2.3.4"))).toBe("203.0.113.9");
    expect(clientIp(h("::ffff:203.0.113.9", "1.2.3.4, 5.6.7.8"))).toBe("203.0.113.9");
  });

  it("behind n trusted proxies, is the n-th X-Forwarded-For entry from the right", () => {
    expect(clientIp(h("10.0.0.2", "1.2.3.4, 198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientIp(h("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.1"), 2)).toBe("198.51.100.7");
    expect(clientIp(h("10.0.0.2", "1.2.3.4,198.51.100.7 , 10.0.0.1"), 2)).toBe("198.51.100.7");
    // Fewer entries than hops: the furthest one known; no header at all: the socket.
    expect(clientIp(h("10.0.0.2", "198.51.100.7"), 3)).toBe("198.51.100.7");
    expect(clientIp(h("198.51.100.7"), 1)).toBe("198.51.100.7");
  });

  it("is unknown (null) without the socket's address and no trusted hop", () => {
    expect(clientIp(h(null, "1.2.3.4"))).toBeNull();
  });
});

describe("where sign-in sends the browser (localPath)", () => {
  it("keeps this app's own paths, with their query", () => {
    expect(localPath("/admin/results?tab=composites")).toBe("/admin/results?tab=composites");
    expect(localPath("/respond/1/2#top")).toBe("/respond/1/2#top");
  });
  it("sends anything a browser would read as another site home", () => {
    for (const raw of [
      "//evil.example.com/",
      "/\\evil.example.com/",
      "/\\/evil.example.com",
      "https://evil.example.com/",
      "javascript:alert(1)",
      "",
      undefined,
      null,
    ]) {
      expect(localPath(raw), String(raw)).toBe("/home");
    }
  });
});
