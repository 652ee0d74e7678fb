import { describe, expect, it } from "vitest";
import { z } from "zod";
import { POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import { GET as keysGet } from "@/app/api/campaigns/[id]/keys/route";
import { POST as submitPost } from "@/app/api/submit/route";
import { POST as trpcPost } from "@/app/api/trpc/[trpc]/route";
import { FILE_MAX_CHARS } from "@/server/instruments/versions";
import { readBody } from "./body";

/** The JSON of a refusal (errorResponse, server/http/route.ts). */
const refusal = async (res: Response) => z.object({ error: z.string(), code: z.string() }).parse(await res.json());

// Every route handler reads at most its limit from the request's stream and answers 413,
// whatever the headers say: no Content-Length (chunked), a Content-Length that lies, or
// one that announces too much. The bodies here never end: a handler that read them to the
// end would never answer, and `pulled` counts what the handler took from the stream.
// (The upload routes read after the session check, which needs a running app: the browser
// journeys in e2e/security.e2e.ts send them the same bodies.)

const ORIGIN = "http://pj.example.edu.cn";
const CHUNK = 64 * 1024;

// "Endless": it fails after 256 MB, so that a handler reading everything fails the test
// instead of filling the machine's memory.
const FAR = 256 * 1024 * 1024;

function endless(byte = 0x20): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new Uint8Array(CHUNK).fill(byte);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= FAR) return controller.error(new Error("the handler read the whole body"));
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    body,
    duplex: "half",
    headers: { origin: ORIGIN, host: "pj.example.edu.cn", ...headers },
  } as RequestInit);
}

type Handler = (req: Request, ctx: never) => Promise<Response>;
const routes: [string, string, Handler, number][] = [
  // path, content type, handler, its limit in bytes
  ["/api/submit", "application/json", submitPost, 64 * 1024 + 4096],
  ["/api/trpc/instruments.check", "application/json", trpcPost, 3 * FILE_MAX_CHARS + 64 * 1024],
  ["/api/auth/callback/credentials", "application/x-www-form-urlencoded", authPost, 16 * 1024],
];
const ctx = { params: Promise.resolve({ nextauth: ["callback", "credentials"], trpc: "instruments.check" }) } as never;

describe("request bodies are read up to a limit", () => {
  it.each(routes)(
    "%s: a chunked body without Content-Length gets 413 once the limit is passed, and no more is read",
    async (path, type, handler, limit) => {
      const body = endless();
      const res = await handler(post(path, body.stream, { "content-type": type }), ctx);
      expect(res.status).toBe(413);
      expect((await refusal(res)).code).toMatch(/tooLarge$/);
      // Read up to the limit, then stopped: at most the limit plus the chunk that crossed it.
      expect(body.pulled()).toBeGreaterThan(limit);
      expect(body.pulled()).toBeLessThanOrEqual(limit + 2 * CHUNK);
    },
    30_000,
  );

  it.each(routes)(
    "%s: a Content-Length that lies does not let more through",
    async (path, type, handler, limit) => {
      const body = endless();
      const res = await handler(post(path, body.stream, { "content-type": type, "content-length": "100" }), ctx);
      expect(res.status).toBe(413);
      expect(body.pulled()).toBeLessThanOrEqual(limit + 2 * CHUNK);
    },
    30_000,
  );

  it.each(routes)("%s: a Content-Length above the limit is refused before anything is read", async (path, type, handler, limit) => {
    const body = endless();
    const res = await handler(post(path, body.stream, { "content-type": type, "content-length": String(limit + 1) }), ctx);
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(CHUNK);
  });
});

describe("text that cannot be stored is refused with 400 at the route", () => {
  it("a NUL or a lone surrogate in a JSON body (the anonymous submit's answers)", async () => {
    for (const bad of ['"\\u0000"', '"a\\ud800b"', '"\\udc00"']) {
      const res = await submitPost(
        post("/api/submit", `{"targetId":1,"token":"x","signature":"y","answers":{"c":${bad}}}`, { "content-type": "application/json" }),
      );
      expect(res.status).toBe(400);
      const j = await refusal(res);
      expect(j.code).toBe("errors.badText");
      expect(j.error).toContain("answers.c");
    }
  });

  it("a NUL in a query string", async () => {
    const res = await keysGet(new Request(`${ORIGIN}/api/campaigns/1/keys?x=a%00b`));
    expect(res.status).toBe(400);
    expect((await refusal(res)).code).toBe("errors.badText");
  });
});

describe("the shared reader", () => {
  it("stops pulling from the stream at the limit, whatever the stream's size", async () => {
    for (const limit of [0, 1000, CHUNK, 3 * CHUNK + 5]) {
      const body = endless();
      const req = new Request(`${ORIGIN}/x`, { method: "POST", body: body.stream, duplex: "half" } as RequestInit);
      await expect(readBody(req, limit)).rejects.toMatchObject({ kind: "PAYLOAD_TOO_LARGE", code: "errors.tooLarge" });
      expect(body.pulled()).toBeLessThanOrEqual(limit + 2 * CHUNK);
    }
  });

  it("returns a body within the limit whole, chunked or not", async () => {
    const text = "评教".repeat(50_000);
    const bytes = new TextEncoder().encode(text);
    expect(new TextDecoder().decode(await readBody(new Request(`${ORIGIN}/x`, { method: "POST", body: text }), bytes.length))).toBe(text);
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.slice(i, i + 1000));
        c.close();
      },
    });
    const got = await readBody(new Request(`${ORIGIN}/x`, { method: "POST", body: chunked, duplex: "half" } as RequestInit), bytes.length);
    expect(new TextDecoder().decode(got)).toBe(text);
    await expect(readBody(new Request(`${ORIGIN}/x`, { method: "POST", body: text }), bytes.length - 1)).rejects.toMatchObject({
      kind: "PAYLOAD_TOO_LARGE",
    });
  });
});
