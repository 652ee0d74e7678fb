import { NextRequest } from "next/server";
import { badRequest, DomainError } from "../kernel/errors";
import { showPath, unstorableTextPath, isStorableText } from "../kernel/text";
import type { MessageKey } from "../i18n/messages";
import { at } from "@/server/shared/indexed";

/**
 * The one way route handlers read a request body: at most `limit` bytes are taken from the
 * stream, whatever the headers say. A Content-Length above the limit is refused before
 * anything is read; without one (chunked) or with one that lies, reading stops as soon as
 * the count passes the limit, and the request is refused with 413. Nothing more is pulled
 * from the stream after that: the request stays paused (the client's upload stalls) and the
 * server process closes the connection once the answer is out (server/http/incoming.ts).
 *
 * Text is checked on the way in (server/kernel/text.ts): bodies that are not UTF-8, and JSON
 * holding a NUL or a lone surrogate anywhere, are refused with 400 and the path.
 */

export type TooLarge = { code: MessageKey; params?: Record<string, string | number> };

export function tooLargeError(limit: number, tooLarge?: TooLarge): DomainError {
  return new DomainError("PAYLOAD_TOO_LARGE", tooLarge?.code ?? "errors.tooLarge", tooLarge?.params ?? { maxKb: Math.floor(limit / 1024) });
}

/** Whether the request announces (Content-Length) more than `limit` bytes. */
export function announcesMoreThan(req: Request, limit: number): boolean {
  const declared = req.headers.get("content-length");
  return declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > limit;
}

/** The body's bytes, at most `limit` of them (413 beyond). */
export async function readBody(req: Request, limit: number, tooLarge?: TooLarge): Promise<Uint8Array> {
  if (announcesMoreThan(req, limit)) throw tooLargeError(limit, tooLarge);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      // Stop here: not one more read. The chunk that crossed the limit is dropped.
      if (total > limit) throw tooLargeError(limit, tooLarge);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return at(chunks, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export function badTextError(path: string): DomainError {
  return badRequest("errors.badText", { field: showPath(path) });
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badTextError("");
  }
}

/** UTF-8 text without NUL (400 otherwise). */
export function decodeText(bytes: Uint8Array): string {
  const text = utf8(bytes);
  if (!isStorableText(text)) throw badTextError("");
  return text;
}

/** JSON whose every string and key is storable text (400 with the path otherwise). */
export function parseJson(bytes: Uint8Array, invalid: MessageKey = "errors.invalidJson"): unknown {
  const text = utf8(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(invalid);
  }
  const bad = unstorableTextPath(value);
  if (bad !== null) throw badTextError(bad);
  return value;
}

/** What a route handler gets to read its body with; each reads the stream once, up to the route's limit. */
export type RequestBody = {
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
  json(invalid?: string): Promise<unknown>;
  /** multipart/form-data or x-www-form-urlencoded, parsed from the bounded bytes. */
  formData(): Promise<FormData>;
};

export function requestBody(req: Request, limit: number, tooLarge?: TooLarge): RequestBody {
  let read: Promise<Uint8Array> | undefined;
  const bytes = () => (read ??= readBody(req, limit, tooLarge));
  return {
    bytes,
    text: async () => decodeText(await bytes()),
    json: async (invalid?: MessageKey) => parseJson(await bytes(), invalid),
    formData: async () => {
      const type = req.headers.get("content-type") ?? "";
      return new Response((await bytes()) as BodyInit, { headers: { "content-type": type } }).formData();
    },
  };
}

/**
 * The request with its body read (bounded) into memory, for handlers that read the body
 * themselves (tRPC's fetch adapter, next-auth): they get a NextRequest with the same URL,
 * method and headers, whose body can no longer be larger than the limit.
 */
export async function bufferedRequest(
  req: Request,
  limit: number,
  tooLarge?: TooLarge,
  headers: Headers = req.headers,
): Promise<NextRequest> {
  const method = req.method.toUpperCase();
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req, limit, tooLarge);
  return new NextRequest(req.url, { method, headers, body: body as BodyInit | undefined, signal: req.signal });
}
