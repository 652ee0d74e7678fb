import http, { type IncomingMessage } from "node:http";
import https from "node:https";

/**
 * The socket's address, as a request header the app can trust. Next.js hands route handlers
 * a web Request without the socket, and sets X-Forwarded-For to the socket's address only
 * when the client sent none (so a client could write its own). The server process therefore
 * stamps every incoming request, before Next.js sees it, with the address of the connection
 * it came on, overwriting anything a client sent under this name. Installed once per
 * process by instrumentation.ts; read by clientIp (guard.ts).
 */
export const PEER_ADDRESS_HEADER = "x-tqe-peer-address";

const STAMPED = Symbol.for("tqe.peerAddressStamp");
const STAMPED_EVENTS = new Set(["request", "checkContinue", "checkExpectation"]);

export function stampPeerAddress(req: IncomingMessage): void {
  req.headers[PEER_ADDRESS_HEADER] = req.socket?.remoteAddress ?? "";
}

/** Patches http(s).Server so that every request is stamped before any listener runs. Idempotent. */
export function installPeerAddressStamp(): void {
  for (const Server of [http.Server, https.Server]) {
    const proto = Server.prototype as unknown as Record<symbol, unknown> & { emit: (event: string | symbol, ...args: unknown[]) => boolean };
    if (proto[STAMPED]) continue;
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (typeof event === "string" && STAMPED_EVENTS.has(event)) stampPeerAddress(args[0] as IncomingMessage);
      return emit.call(this, event, ...args);
    };
    proto[STAMPED] = true;
  }
}
