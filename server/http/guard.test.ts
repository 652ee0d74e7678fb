import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "./guard";

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
