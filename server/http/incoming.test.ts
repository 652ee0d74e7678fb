import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp } from "./guard";
import { installRequestHooks, PEER_ADDRESS_HEADER } from "./incoming";

// What the app's server process does to every request (instrumentation.ts).
let server: http.Server;
let port: number;
const seen: Record<string, string | string[] | undefined>[] = [];
let closed = false;

beforeAll(async () => {
  installRequestHooks();
  installRequestHooks(); // idempotent
  server = http.createServer((req, res) => {
    seen.push({ ...req.headers });
    if (req.url === "/refuse") {
      // As a route handler does past its body limit: one read, then 413, the rest unread.
      req.once("data", () => {
        req.pause();
        req.socket.once("close", () => {
          closed = true;
        });
        res.writeHead(413, { "content-type": "application/json" }).end('{"code":"errors.tooLarge"}');
      });
      return;
    }
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function get(headers: Record<string, string>) {
  return new Promise<void>((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/", headers }, (res) => {
        res.resume();
        res.on("end", resolve);
      })
      .on("error", reject);
  });
}

describe("every request, before the app sees it", () => {
  it("carries the socket's address, overwriting what a client sends under its name; X-Forwarded-For counts only behind trusted hops", async () => {
    await get({ [PEER_ADDRESS_HEADER]: "198.51.100.1", "x-forwarded-for": "198.51.100.2" });
    await get({});
    expect(seen.map((h) => h[PEER_ADDRESS_HEADER])).toEqual(["127.0.0.1", "127.0.0.1"]);
    const h = new Headers(seen[0] as Record<string, string>);
    expect(clientIp(h, 0)).toBe("127.0.0.1");
    expect(clientIp(h, 1)).toBe("198.51.100.2");
  });

  it("a body refused with 413: the client gets the answer while still sending, the server reads no more and closes the connection", async () => {
    const result = await new Promise<{ status: number; sentAtAnswer: number; sentAtEnd: number }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/refuse", method: "POST" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      let status = 0;
      let sentAtAnswer = -1;
      let stopped = false;
      const pump = () => {
        while (!stopped && sent < 2 * 1024 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
      };
      req.on("response", (res) => {
        status = res.statusCode ?? 0;
        sentAtAnswer = sent;
        res.resume();
      });
      const end = () => {
        stopped = true;
        if (sentAtAnswer < 0) reject(new Error("no answer before the connection ended"));
        else resolve({ status, sentAtAnswer, sentAtEnd: sent });
      };
      req.on("error", end);
      req.on("close", end);
      pump();
    });
    expect(result.status).toBe(413);
    // Only what the socket buffers hold went out after the answer: the server read no more.
    expect(result.sentAtEnd - result.sentAtAnswer).toBeLessThan(32 * 1024 * 1024);
    // The server closes the connection itself (how soon is the machine's business, not an assertion).
    await expect.poll(() => closed, { timeout: 15_000 }).toBe(true);
  });
});
