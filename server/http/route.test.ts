import { describe, expect, it } from "vitest";
import { forbidden } from "../kernel/errors";
import { attachmentRoute, idParam, routeHandler, uploadedFile, uploadRoute } from "./route";

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

describe("the one attachment download route", () => {
  const PDF = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d]);
  const files: Record<number, { name: string; bytes: Uint8Array }> = {
    1: { name: "整改报告 (终稿)'s.pdf", bytes: PDF },
    // a file stored before its bytes were checked: named .png, bytes of HTML
    2: { name: "photo.png", bytes: new TextEncoder().encode("<script>alert(1)</script>") },
  };
  const route = (user: { id: number } | null) =>
    attachmentRoute({
      user: async () => user,
      idAt: 2,
      badId: "appraisal.errors.appealNotFound",
      fallback: "appeal",
      read: async (u, id) => {
        if (u.id !== 7) throw forbidden();
        const f = files[id];
        if (!f) throw new Error("no such file");
        return f;
      },
    });
  const get = (user: { id: number } | null, path: string) =>
    route(user)(new Request(`http://pj.example.edu.cn${path}`, { headers: { cookie: "NEXT_LOCALE=en" } }));

  it("sends the file as a download: RFC 5987 name, ASCII fallback with the extension, the type of its bytes, nosniff, no-store", async () => {
    const r = await get({ id: 7 }, "/api/appraisal/appeals/1/attachment");
    expect(r.status).toBe(200);
    expect(Object.fromEntries(r.headers)).toMatchObject({
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="appeal-1.pdf"; filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A%20%28%E7%BB%88%E7%A8%BF%29%27s.pdf`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    });
    expect([...new Uint8Array(await r.arrayBuffer())]).toEqual([...PDF]);
  });

  it("never sends a type its bytes are not", async () => {
    const r = await get({ id: 7 }, "/api/appraisal/appeals/2/attachment");
    expect(r.headers.get("content-type")).toBe("application/octet-stream");
  });

  it("answers 401 signed out, 400 for a bad id, and the domain's refusal", async () => {
    expect((await get(null, "/api/appraisal/appeals/1/attachment")).status).toBe(401);
    const bad = await get({ id: 7 }, "/api/appraisal/appeals/x/attachment");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "appraisal.errors.appealNotFound" });
    expect((await get({ id: 8 }, "/api/appraisal/appeals/1/attachment")).status).toBe(403);
  });
});

describe("the one upload route", () => {
  type User = { id: number; admin: boolean };
  const handled: string[] = [];
  const route = (user: User | null) =>
    uploadRoute({
      user: async () => user,
      may: (u) => u.admin,
      fileBytes: 1024,
      tooLarge: { code: "imports.upload.tooLarge", params: { maxMb: 1 } },
      handle: async ({ user, form, locale }) => {
        const file = uploadedFile(form);
        handled.push(`${user.id}:${file.name}:${locale}`);
        return Response.json({ size: file.size, note: form.get("note") });
      },
    });
  const post = (user: User | null, body: BodyInit, headers: Record<string, string> = {}) =>
    route(user)(
      new Request("http://pj.example.edu.cn/api/upload", {
        method: "POST",
        body,
        headers: { origin: "http://pj.example.edu.cn", cookie: "NEXT_LOCALE=zh", ...headers },
      }),
    );
  const form = (bytes: number) => {
    const f = new FormData();
    f.set("note", "期中");
    f.set("file", new File([new Uint8Array(bytes)], "名单.xlsx"));
    return f;
  };

  it("hands the signed-in, allowed caller's form to the domain, in the caller's language", async () => {
    handled.length = 0;
    const r = await post({ id: 7, admin: true }, form(100));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ size: 100, note: "期中" });
    expect(handled).toEqual(["7:名单.xlsx:zh"]);
  });

  it("refuses signed out (401), not allowed (403), not a form or no file (400), too large (413), from another site (403), and never calls the domain", async () => {
    handled.length = 0;
    expect((await post(null, form(10))).status).toBe(401);
    expect((await post({ id: 8, admin: false }, form(10))).status).toBe(403);
    const notForm = await post({ id: 7, admin: true }, "plain text", { "content-type": "text/plain" });
    expect(notForm.status).toBe(400);
    expect(await notForm.json()).toMatchObject({ code: "imports.upload.noFile" });
    const big = await post({ id: 7, admin: true }, form(1024 + 65 * 1024));
    expect(big.status).toBe(413);
    const bigBody = (await big.json()) as { code: string; error: string };
    expect(bigBody.code).toBe("imports.upload.tooLarge");
    expect(bigBody.error).toMatch(/[\u4e00-\u9fff]/);
    expect((await post({ id: 7, admin: true }, form(10), { origin: "https://evil.example" })).status).toBe(403);
    expect(handled).toEqual([]);
    const noFile = new FormData();
    noFile.set("note", "x");
    expect((await post({ id: 7, admin: true }, noFile)).status).toBe(400);
  });
});
