import { describe, expect, it } from "vitest";
import { idParam, routeHandler } from "./route";

// A handler reading an id from its path and one from its query, as the app's route handlers do.
const handler = routeHandler(async (req) => {
  const url = new URL(req.url);
  const id = idParam(url.pathname.split("/").at(-1), "campaigns.errors.notFound");
  const policy = idParam(url.searchParams.get("policy"), "scoring.errors.policyNotFound");
  return Response.json({ id, policy });
});
const get = (path: string, locale: "zh" | "en" = "en") =>
  handler(new Request(`http://pj.example.edu.cn${path}`, { headers: { cookie: `NEXT_LOCALE=${locale}` } }));

describe("ids in route parameters and query strings", () => {
  it("passes an id in range", async () => {
    const r = await get("/api/x/12?policy=2147483647");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ id: 12, policy: 2_147_483_647 });
  });

  it("answers a bad or out-of-range id with a 400 JSON error in the user's language, never a 500", async () => {
    for (const path of ["/api/x/3000000000?policy=1", "/api/x/abc?policy=1", "/api/x/-1?policy=1", "/api/x/0?policy=1"]) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(await r.json(), path).toMatchObject({ code: "campaigns.errors.notFound" });
    }
    const r = await get("/api/x/1?policy=2147483648", "zh");
    expect(r.status).toBe(400);
    const body = (await r.json()) as { code: string; error: string };
    expect(body.code).toBe("scoring.errors.policyNotFound");
    expect(body.error).toMatch(/[\u4e00-\u9fff]/);
  });
});
