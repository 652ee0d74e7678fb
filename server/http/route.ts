import { DomainError, HTTP_STATUS } from "../errors";
import { LOCALE_COOKIE, toLocale, type Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { isSameOriginRequest } from "./guard";

/** The language chosen by the cookie on a raw request (route handlers). */
export function localeOf(req: Request): Locale {
  const cookie = (req.headers.get("cookie") ?? "").split(/;\s*/).find((c) => c.startsWith(`${LOCALE_COOKIE}=`));
  // Cookie-less requests (the anonymous submit) name their language in a header instead.
  return toLocale(cookie?.slice(LOCALE_COOKIE.length + 1) ?? req.headers.get(LOCALE_HEADER) ?? undefined);
}

/** The header a cookie-less request names its language in. */
export const LOCALE_HEADER = "x-tqe-locale";

export function errorResponse(locale: Locale, status: number, code: string, params?: Record<string, string | number>, details?: unknown): Response {
  // `code` lets a client react to a kind of refusal without parsing the message.
  return Response.json({ error: translate(locale, code, params), code, ...(details === undefined ? {} : { details }) }, { status });
}

/** A 403 response for a state-changing request from another origin, or null to go on. */
export async function refuseCrossOrigin(req: Request): Promise<Response | null> {
  if (isSameOriginRequest(req)) return null;
  return errorResponse(localeOf(req), 403, "errors.badOrigin");
}

/**
 * Wraps a route handler (not tRPC, which has its own): refuses cross-site writes, and
 * turns domain errors into JSON errors in the user's language with the matching status.
 */
export function routeHandler(
  fn: (req: Request, locale: Locale) => Promise<Response>,
  opts: { logErrors?: "full" | "name" } = {},
) {
  return async (req: Request): Promise<Response> => {
    const locale = localeOf(req);
    const refused = await refuseCrossOrigin(req);
    if (refused) return refused;
    try {
      return await fn(req, locale);
    } catch (e) {
      if (e instanceof DomainError) return errorResponse(locale, HTTP_STATUS[e.kind], e.code, e.params, e.details);
      // "name": the anonymous submit path logs only what failed, never a message that
      // could carry the request's data (a database error may quote its parameters).
      const what = opts.logErrors === "name" ? `${(e as Error)?.name ?? "Error"} ${(e as { code?: string })?.code ?? ""}`.trim() : e;
      console.error(`${req.method} ${new URL(req.url).pathname}:`, what);
      return errorResponse(locale, 500, "errors.internal");
    }
  };
}
