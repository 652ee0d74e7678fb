import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/db/client";
import { routeHandler } from "../http/route";
import type { Locale } from "../i18n/messages";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { appRouter } from "./root";

// Input validation errors reach the user in their language by one path (server/i18n/zod.ts):
// the tRPC error formatter for procedures, the route-handler wrapper for route handlers.

let db: Db;
let s: School;

beforeAll(async () => {
  ({ db, s } = await freshSchool());
});

/** A procedure called over HTTP, as the browser calls it (the formatter runs only there). */
async function overHttp(path: string, input: unknown, locale: Locale) {
  const user = await sessionOf(db, s.people.quality);
  const url = `http://pj.example.edu.cn/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(url),
    router: appRouter,
    createContext: () => ({ db, user, locale, now: () => new Date("2026-12-28T03:00:00Z") }),
  });
  const body = (await res.json()) as {
    error: { json: { message: string; data: { code: string; httpStatus: number; fields: Record<string, string> | null } } };
  };
  return { status: res.status, ...body.error.json };
}

describe("validation errors in the user's language", () => {
  it("a procedure: 400, the message in Chinese or English with the field's path, and the fields", async () => {
    const zh = await overHttp("instruments.get", { id: 3_000_000_000 }, "zh");
    expect(zh.status).toBe(400);
    expect(zh.data.code).toBe("BAD_REQUEST");
    expect(zh.message).toMatch(/^输入有误：id: .*2147483647/);
    expect(zh.message).toMatch(/[\u4e00-\u9fff]/);
    expect(Object.keys(zh.data.fields ?? {})).toEqual(["id"]);
    const en = await overHttp("instruments.get", { id: 3_000_000_000 }, "en");
    expect(en.status).toBe(400);
    expect(en.message).toMatch(/^Invalid input: id: Too big: .*2147483647/);
  });

  it("a route handler validating with zod: 400 JSON, the same message in the user's language", async () => {
    const handler = routeHandler(async (req) => {
      const q = z.object({ year: z.string().regex(/^\d{4}-\d{4}$/) }).parse(Object.fromEntries(new URL(req.url).searchParams));
      return Response.json(q);
    });
    const get = (locale: Locale) =>
      handler(new Request("http://pj.example.edu.cn/api/x?year=2026", { headers: { cookie: `NEXT_LOCALE=${locale}` } }));
    const zh = await get("zh");
    expect(zh.status).toBe(400);
    const zb = (await zh.json()) as { error: string; code: string; details: { fields: Record<string, string> } };
    expect(zb.code).toBe("errors.invalidInput");
    expect(zb.error).toMatch(/^输入有误：year: /);
    expect(Object.keys(zb.details.fields)).toEqual(["year"]);
    const en = await get("en");
    expect(en.status).toBe(400);
    expect(((await en.json()) as { error: string }).error).toMatch(/^Invalid input: year: /);
  });
});
