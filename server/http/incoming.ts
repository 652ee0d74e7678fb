import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";

/**
 * What the server process does to every request before Next.js sees it (installed once by
 * instrumentation.ts):
 *
 * - The socket's address, as a request header the app can trust. Next.js hands route
 *   handlers a web Request without the socket, and sets X-Forwarded-For to the socket's
 *   address only when the client sent none (so a client could write its own). Every
 *   request is stamped with the address of the connection it came on, overwriting anything
 *   a client sent under this name; clientIp (guard.ts) reads it.
 * - A body not read to its end by the time the answer is out (refused with 413 at the
 *   route's limit, server/http/body.ts, or refused before reading, e.g. an upload without
 *   a session) is not read further: the connection is closed a moment after the answer,
 *   not at once (closing a socket with unread data resets it, and a client still sending
 *   could lose the answer in the reset), and not kept for the next request either.
 */
export const PEER_ADDRESS_HEADER = "x-tqe-peer-address";
const CLOSE_UNREAD_AFTER_MS = 1000;

const INSTALLED = Symbol.for("tqe.requestHooks");
const REQUEST_EVENTS = new Set(["request", "checkContinue", "checkExpectation"]);

export function onRequest(req: IncomingMessage, res: ServerResponse): void {
  req.headers[PEER_ADDRESS_HEADER] = req.socket?.remoteAddress ?? "";
  res.once("finish", () => {
    if (req.complete) return;
    setTimeout(() => req.socket?.destroy(), CLOSE_UNREAD_AFTER_MS).unref();
  });
}

/** Patches http(s).Server so that onRequest runs before any listener. Idempotent. */
export function installRequestHooks(): void {
  for (const Server of [http.Server, https.Server]) {
    const proto = Server.prototype as unknown as Record<symbol, unknown> & {
      emit: (event: string | symbol, ...args: unknown[]) => boolean;
    };
    if (proto[INSTALLED]) continue;
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (typeof event === "string" && REQUEST_EVENTS.has(event)) onRequest(args[0] as IncomingMessage, args[1] as ServerResponse);
      return emit.call(this, event, ...args);
    };
    proto[INSTALLED] = true;
  }
}
