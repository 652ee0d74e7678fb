import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp } from "./guard";
import { installPeerAddressStamp, PEER_ADDRESS_HEADER } from "./peer";

// The stamp the app's server process puts on every request (instrumentation.ts): the
// socket's address, whatever the client wrote under that name or in X-Forwarded-For.
let server: http.Server;
let port: number;
const seen: Record<string, string | string[] | undefined>[] = [];

beforeAll(async () => {
  installPeerAddressStamp();
  installPeerAddressStamp(); // idempotent
  server = http.createServer((req, res) => {
    seen.push({ ...req.headers });
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function get(headers: Record<string, string>) {
  return new Promise<void>((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/", headers }, (res) => { res.resume(); res.on("end", resolve); }).on("error", reject);
  });
}

describe("the socket's address on every request", () => {
  it("overwrites what a client sends under its name, and outweighs X-Forwarded-For", async () => {
    await get({ [PEER_ADDRESS_HEADER]: "198.51.100.1", "x-forwarded-for": "198.51.100.2" });
    await get({});
    expect(seen.map((h) => h[PEER_ADDRESS_HEADER])).toEqual(["127.0.0.1", "127.0.0.1"]);
    const h = new Headers(seen[0] as Record<string, string>);
    expect(clientIp(h, 0)).toBe("127.0.0.1");
    expect(clientIp(h, 1)).toBe("198.51.100.2");
  });
});
