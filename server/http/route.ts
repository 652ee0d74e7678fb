import { LOCALE_COOKIE, toLocale, type Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { isSameOriginRequest } from "./guard";

/** The language chosen by the cookie on a raw request (route handlers). */
export function localeOf(req: Request): Locale {
  const cookie = (req.headers.get("cookie") ?? "").split(/;\s*/).find((c) => c.startsWith(`${LOCALE_COOKIE}=`));
  return toLocale(cookie?.slice(LOCALE_COOKIE.length + 1));
}

/** A 403 response for a state-changing request from another origin, or null to go on. */
export async function refuseCrossOrigin(req: Request): Promise<Response | null> {
  if (isSameOriginRequest(req)) return null;
  return Response.json({ error: translate(localeOf(req), "errors.badOrigin") }, { status: 403 });
}
