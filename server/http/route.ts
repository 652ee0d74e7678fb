import { ZodError } from "zod";
import { badRequest, DomainError, forbidden, HTTP_STATUS } from "../kernel/errors";
import { LOCALE_COOKIE, toLocale, type Locale, type MessageKey } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { zodFields } from "../i18n/zod";
import { errorParams, inputRefusal } from "../kernel/validate";
import { showPath, isStorableText } from "../kernel/text";
import { announcesMoreThan, requestBody, type RequestBody, type TooLarge, tooLargeError } from "./body";
import { isSameOriginRequest } from "./guard";
import { parseId } from "../kernel/ids";
import { storedAttachmentType } from "../kernel/attachments";

/** The language chosen by the cookie on a raw request (route handlers). */
export function localeOf(req: Request): Locale {
  const cookie = (req.headers.get("cookie") ?? "").split(/;\s*/).find((c) => c.startsWith(`${LOCALE_COOKIE}=`));
  // Cookie-less requests (the anonymous submit) name their language in a header instead.
  return toLocale(cookie?.slice(LOCALE_COOKIE.length + 1) ?? req.headers.get(LOCALE_HEADER) ?? undefined);
}

/** The header a cookie-less request names its language in. */
export const LOCALE_HEADER = "x-tqe-locale";

/**
 * The id a route parameter or query value names (server/kernel/ids.ts); when it names none
 * (absent, not digits, out of the integer range) a 400 with the route's own message `code`.
 */
export function idParam(raw: string | null | undefined, code: MessageKey): number {
  const id = parseId(raw);
  if (id === null) throw badRequest(code);
  return id;
}

export function errorResponse(
  locale: Locale,
  status: number,
  code: MessageKey,
  params?: Record<string, string | number>,
  details?: unknown,
): Response {
  // `code` lets a client react to a kind of refusal without parsing the message.
  return Response.json({ error: translate(locale, code, params), code, ...(details === undefined ? {} : { details }) }, { status });
}

/** The first query-string name or value that is not storable text, or null. */
function unstorableQuery(req: Request): string | null {
  for (const [k, v] of new URL(req.url).searchParams) if (!isStorableText(k) || !isStorableText(v)) return k;
  return null;
}

/**
 * What every route handler does before its own work, tRPC's and next-auth's included:
 * refuse cross-site writes, a Content-Length above the route's body limit (413, nothing
 * read) and query strings with text that cannot be stored (400). Null: go on.
 */
export async function refuseAtTheDoor(
  req: Request,
  opts: { maxBodyBytes: number; tooLarge?: TooLarge; checkOrigin?: boolean },
): Promise<Response | null> {
  const { maxBodyBytes, tooLarge } = opts;
  const locale = localeOf(req);
  const refused = opts.checkOrigin === false ? null : await refuseCrossOrigin(req);
  if (refused) return refused;
  if (announcesMoreThan(req, maxBodyBytes)) {
    const e = tooLargeError(maxBodyBytes, tooLarge);
    return errorResponse(locale, 413, e.code, e.params);
  }
  const bad = unstorableQuery(req);
  if (bad !== null) return errorResponse(locale, 400, "errors.badText", { field: showPath(bad) });
  return null;
}

/** Runs `fn` and answers a domain error (413 of the body reader included) as JSON. */
export async function answeringDomainErrors(req: Request, fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError) return errorResponse(localeOf(req), HTTP_STATUS[e.kind], e.code, e.params, e.details);
    throw e;
  }
}

/**
 * What every upload route does first: a signed-in caller (401 otherwise) and the multipart
 * form of the body, read through the bounded reader (its 413 passes through); a body that is
 * not a form is a 400 (imports.upload.noFile). `uploadedFile` takes a file field out of it.
 */
async function readUpload<U>(user: U | null, body: RequestBody): Promise<{ user: U; form: FormData }> {
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  try {
    return { user, form: await body.formData() };
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw badRequest("imports.upload.noFile");
  }
}

/** Room for a multipart envelope and its text fields beside the files. */
const FORM_ROOM = 64 * 1024;

/**
 * The one multipart upload route (POST): the body bounded at `fileBytes` plus room for the form
 * (413 with `tooLarge` beyond, before anything is read); a signed-in caller (401) whom `may`,
 * when given, allows (403) — both before the body is read; the form (400 when the body is not
 * one); then the domain's `handle`, whose domain errors answer in the caller's language.
 */
export function uploadRoute<U>(o: {
  user: () => Promise<U | null>;
  may?: (user: U) => boolean;
  fileBytes: number;
  tooLarge: TooLarge;
  handle: (upload: { user: U; form: FormData; locale: Locale }) => Promise<Response>;
}) {
  return routeHandler(
    async (_req, locale, body) => {
      const signedIn = await o.user();
      if (signedIn && o.may && !o.may(signedIn)) throw forbidden();
      const { user, form } = await readUpload(signedIn, body);
      return o.handle({ user, form, locale });
    },
    { maxBodyBytes: o.fileBytes + FORM_ROOM, tooLarge: o.tooLarge },
  );
}

/** The file of a form field, or a 400 (imports.upload.noFile) when there is none. */
export function uploadedFile(form: FormData, field = "file"): File {
  const file = form.get(field);
  if (!file || typeof file === "string") throw badRequest("imports.upload.noFile");
  return file;
}

/** A value of a Content-Disposition `filename*` parameter (RFC 5987/8187): UTF-8, every byte outside attr-char percent-encoded. */
export function rfc5987(value: string): string {
  return `UTF-8''${encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * A stored file sent back as a download: its type, an ASCII `fallback` file name with the real
 * one in UTF-8 (RFC 6266, `filename*` encoded per RFC 5987), never cached, never sniffed into
 * another type.
 */
export function downloadResponse(f: { bytes: Uint8Array; mime: string; name: string; fallback: string }): Response {
  return new Response(new Uint8Array(f.bytes), {
    headers: {
      "content-type": f.mime,
      "content-disposition": `attachment; filename="${f.fallback}"; filename*=${rfc5987(f.name)}`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/**
 * The one download route of an uploaded attachment (a rectification order's, an appraisal
 * appeal's), GET with the attachment's id in the path: a signed-in caller (else 401); the id from
 * the path segment `idAt` places from the end (none: 400 with `badId`); the domain's `read`,
 * which checks who may see it (its 403 or 404); and the file as a download (`downloadResponse`)
 * named `<fallback>-<id><.ext>` in ASCII and by its stored safe name in UTF-8, with the type its
 * name and bytes are (server/kernel/attachments.ts, storedAttachmentType), never a type stored
 * from the browser.
 */
export function attachmentRoute<U>(o: {
  user: () => Promise<U | null>;
  idAt: number;
  badId: MessageKey;
  fallback: string;
  read: (user: U, id: number) => Promise<{ name: string; bytes: Uint8Array }>;
}) {
  return routeHandler(async (req) => {
    const user = await o.user();
    if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
    const id = idParam(new URL(req.url).pathname.split("/").at(-o.idAt), o.badId);
    const a = await o.read(user, id);
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(a.name)?.[0].toLowerCase() ?? "";
    return downloadResponse({
      bytes: a.bytes,
      mime: storedAttachmentType(a.name, a.bytes),
      name: a.name,
      fallback: `${o.fallback}-${id}${ext}`,
    });
  });
}

/** A 403 response for a state-changing request from another origin, or null to go on. */
export async function refuseCrossOrigin(req: Request): Promise<Response | null> {
  if (isSameOriginRequest(req)) return null;
  return errorResponse(localeOf(req), 403, "errors.badOrigin");
}

/**
 * Wraps a route handler (not tRPC, which has its own): refuses cross-site writes, gives
 * the handler its body through the bounded reader (at most `maxBodyBytes`, 0 unless the
 * route declares more: 413 beyond; server/http/body.ts), and turns domain errors into JSON
 * errors in the user's language with the matching status. The handler reads its body only
 * through `body`, never from `req` directly.
 */
export function routeHandler(
  fn: (req: Request, locale: Locale, body: RequestBody) => Promise<Response>,
  opts: { logErrors?: "full" | "name"; maxBodyBytes?: number; tooLarge?: TooLarge } = {},
) {
  const limit = opts.maxBodyBytes ?? 0;
  return async (req: Request): Promise<Response> => {
    const locale = localeOf(req);
    const refused = await refuseAtTheDoor(req, { maxBodyBytes: limit, tooLarge: opts.tooLarge });
    if (refused) return refused;
    try {
      return await fn(req, locale, requestBody(req, limit, opts.tooLarge));
    } catch (e) {
      if (e instanceof DomainError) return errorResponse(locale, HTTP_STATUS[e.kind], e.code, errorParams(e, locale), e.details);
      // Input a handler validated with a zod schema (`schema.parse`): 400, as tRPC answers it.
      if (e instanceof ZodError) {
        const r = inputRefusal(e, locale);
        return errorResponse(locale, 400, r.code, r.params, { fields: zodFields(e) });
      }
      // "name": the anonymous submit path logs only what failed, never a message that
      // could carry the request's data (a database error may quote its parameters).
      const what = opts.logErrors === "name" ? `${(e as Error)?.name ?? "Error"} ${(e as { code?: string })?.code ?? ""}`.trim() : e;
      console.error(`${req.method} ${new URL(req.url).pathname}:`, what);
      return errorResponse(locale, 500, "errors.internal");
    }
  };
}
