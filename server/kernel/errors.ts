// Domain errors carry a code from the message catalogue (server/i18n/messages) and
// parameters; server/api/trpc.ts turns them into tRPC errors in the user's language. The code is
// a typed catalogue key, so an error without its message fails to compile.
import type { MessageKey } from "../i18n/messages";
export type DomainErrorKind =
  "BAD_REQUEST" | "NOT_FOUND" | "FORBIDDEN" | "CONFLICT" | "UNAUTHORIZED" | "TOO_MANY_REQUESTS" | "PAYLOAD_TOO_LARGE";

// The HTTP status each kind answers with in route handlers (tRPC maps its own codes alike).
export const HTTP_STATUS: Record<DomainErrorKind, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
};

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    super(code);
    this.name = "DomainError";
  }
}

export const forbidden = (code: MessageKey = "errors.forbidden", params?: Record<string, string | number>) =>
  new DomainError("FORBIDDEN", code, params);
export const notFound = (code: MessageKey = "errors.notFound", params?: Record<string, string | number>) =>
  new DomainError("NOT_FOUND", code, params);
export const badRequest = (code: MessageKey, params?: Record<string, string | number>, details?: unknown) =>
  new DomainError("BAD_REQUEST", code, params, details);
