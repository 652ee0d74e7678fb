/**
 * What markup an instrument may carry, and nothing more: instrument files are content, and
 * content never runs as script. SurveyJS renders `html` elements, `completedHtml` (and its
 * conditions), `completedBeforeHtml` and `loadingHtml` as raw HTML; this module is the one
 * allow-list for them, used twice:
 *
 * - the checker (check.ts) refuses any string of an instrument file, in any property, with
 *   markup outside it (markupProblem), and the properties that send answers away, navigate,
 *   set cookies or load from elsewhere (forbiddenProperty), each with its JSON path;
 * - the respondent's page (app/_components/survey) renders every HTML string through
 *   safeMarkup after SurveyJS has put answers into it, and strips the forbidden properties
 *   (safeSurvey), so that a version stored before these rules, or placed in the database by
 *   hand, cannot run script either. The Content-Security-Policy (server/http/csp.ts) is the
 *   third wall.
 *
 * Allowed: a few layout tags (ALLOWED_TAGS) with at most a `class` of plain class names.
 * Not allowed: every other tag (script, img, a, iframe, svg, style, form, …), every other
 * attribute (on…, style, href, src, …), comments, doctypes, processing instructions and
 * unfinished tags. Text is free: "<" not followed by a letter, "/", "!" or "?" is text in
 * HTML, so "分数 < 60" or "a<=b" pass. No DOM is needed: the tokenizer follows the HTML
 * tokenizer's tag-open rules, and safeMarkup writes tags back in a canonical form.
 */
import { at as element } from "../indexed"; // `at` here is the match at a position

export const ALLOWED_TAGS: ReadonlySet<string> = new Set([
  "p",
  "br",
  "hr",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "s",
  "small",
  "sub",
  "sup",
  "span",
  "div",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "blockquote",
]);
const VOID_TAGS = new Set(["br", "hr"]);
const CLASS_VALUE = /^[A-Za-z0-9 _-]*$/;
/** Disallowed elements whose content is code or markup, not text: dropped with their content. */
const DROP_CONTENT = new Set([
  "script",
  "style",
  "template",
  "iframe",
  "noscript",
  "noembed",
  "noframes",
  "textarea",
  "title",
  "xmp",
  "svg",
  "math",
  "object",
]);

type Attr = { name: string; value: string | null };
type Token =
  | { kind: "text"; text: string }
  | { kind: "open"; name: string; attrs: Attr[]; selfClosing: boolean }
  | { kind: "close"; name: string }
  /** A comment, doctype, processing instruction, malformed end tag or unfinished tag. */
  | { kind: "other"; label: string };

const TAG_NAME = /[A-Za-z][^\s/>]*/y;
const ATTR_NAME = /[^\s/>][^\s/>=]*/y;
const UNQUOTED = /[^\s>]*/y;
const SPACE = /\s*/y;
const SPACE_OR_SLASH = /[\s/]*/y;
const END_TAG = /<\/([A-Za-z][^\s/>]*)\s*>/y;

function at(re: RegExp, s: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(s);
}

/**
 * The text a sticky pattern matches at `i` where it matches by construction (a pattern that may
 * match nothing, a name after the letter or the character just checked): throws if it does not.
 */
function matched(re: RegExp, s: string, i: number): string {
  const m = at(re, s, i);
  if (m === null) throw new RangeError(`no match of ${re.source} at ${i}`);
  return m[0];
}

function tokenize(html: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const len = html.length;
  while (i < len) {
    const lt = html.indexOf("<", i);
    if (lt < 0) {
      out.push({ kind: "text", text: html.slice(i) });
      break;
    }
    const next = html[lt + 1] ?? "";
    const kind = /[A-Za-z]/.test(next) ? "open" : next === "/" ? "close" : next === "!" ? "bang" : next === "?" ? "pi" : "text";
    if (kind === "text") {
      out.push({ kind: "text", text: html.slice(i, lt + 1) });
      i = lt + 1;
      continue;
    }
    if (lt > i) out.push({ kind: "text", text: html.slice(i, lt) });
    if (kind === "open") {
      const r = readStartTag(html, lt);
      out.push(r.token);
      i = r.end;
    } else if (kind === "close") {
      const m = at(END_TAG, html, lt);
      if (m) {
        out.push({ kind: "close", name: element(m, 1).toLowerCase() });
        i = lt + m[0].length;
      } else {
        const gt = html.indexOf(">", lt);
        out.push({ kind: "other", label: "</" });
        i = gt < 0 ? len : gt + 1;
      }
    } else if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      out.push({ kind: "other", label: "<!--" });
      i = end < 0 ? len : end + 3;
    } else {
      const gt = html.indexOf(">", lt);
      out.push({ kind: "other", label: kind === "pi" ? "<?" : "<!" });
      i = gt < 0 ? len : gt + 1;
    }
  }
  return out;
}

/** A start tag from `<` at `start`, attributes read as the HTML tokenizer reads them. */
function readStartTag(html: string, start: number): { token: Token; end: number } {
  const len = html.length;
  const name = matched(TAG_NAME, html, start + 1);
  let j = start + 1 + name.length;
  const attrs: Attr[] = [];
  const unfinished = () => ({ token: { kind: "other" as const, label: `<${name.toLowerCase()}` }, end: len });
  for (;;) {
    const gap = matched(SPACE_OR_SLASH, html, j);
    j += gap.length;
    if (j >= len) return unfinished();
    if (html[j] === ">") return { token: { kind: "open", name: name.toLowerCase(), attrs, selfClosing: gap.endsWith("/") }, end: j + 1 };
    const attr = matched(ATTR_NAME, html, j);
    j += attr.length;
    j += matched(SPACE, html, j).length;
    let value: string | null = null;
    if (html[j] === "=") {
      j++;
      j += matched(SPACE, html, j).length;
      const q = html[j];
      if (q === '"' || q === "'") {
        const close = html.indexOf(q, j + 1);
        if (close < 0) return unfinished();
        value = html.slice(j + 1, close);
        j = close + 1;
      } else {
        value = matched(UNQUOTED, html, j);
        j += value.length;
      }
    }
    attrs.push({ name: attr.toLowerCase(), value });
  }
}

/** Why an allowed tag's attributes are not allowed (the attribute's name), or null. */
function badAttribute(attrs: Attr[]): string | null {
  let seenClass = false;
  for (const a of attrs) {
    if (a.name !== "class") return a.name;
    if (seenClass || a.value === null || !CLASS_VALUE.test(a.value)) return "class";
    seenClass = true;
  }
  return null;
}

/**
 * The first markup in `html` outside the allow-list, as shown to the author ("<img>",
 * "onclick", "<!--", "<b" for an unfinished tag), or null when it has none.
 */
export function markupProblem(html: string): string | null {
  if (!html.includes("<")) return null;
  for (const t of tokenize(html)) {
    if (t.kind === "other") return t.label;
    if (t.kind === "close" && !ALLOWED_TAGS.has(t.name)) return `</${t.name}>`;
    if (t.kind === "open") {
      if (!ALLOWED_TAGS.has(t.name)) return `<${t.name}>`;
      const bad = badAttribute(t.attrs);
      if (bad) return bad;
    }
  }
  return null;
}

const escapeText = (s: string) => s.replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * `html` reduced to the allow-list, for rendering: allowed tags are written back in a
 * canonical form (only a valid class kept), text is kept with "<" and ">" escaped, and
 * everything else is dropped (the content of script, style and the like with it). For
 * markup the checker accepts, the result renders the same as the input.
 */
export function safeMarkup(html: string): string {
  if (!html) return html;
  let out = "";
  let skipUntil: string | null = null;
  for (const t of tokenize(html)) {
    if (skipUntil !== null) {
      if (t.kind === "close" && t.name === skipUntil) skipUntil = null;
      continue;
    }
    if (t.kind === "text") out += escapeText(t.text);
    else if (t.kind === "close") {
      if (ALLOWED_TAGS.has(t.name) && !VOID_TAGS.has(t.name)) out += `</${t.name}>`;
    } else if (t.kind === "open") {
      if (ALLOWED_TAGS.has(t.name)) {
        const cls = t.attrs.find((a) => a.name === "class" && a.value !== null && CLASS_VALUE.test(a.value));
        out += `<${t.name}${cls ? ` class="${cls.value}"` : ""}>`;
      } else if (DROP_CONTENT.has(t.name) && !t.selfClosing) {
        skipUntil = t.name;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Properties

/** SurveyJS properties that send answers elsewhere, navigate away or set cookies. */
const FORBIDDEN_PROPERTIES = new Set([
  "navigateToUrl",
  "navigateToUrlOnCondition",
  "surveyId",
  "surveyPostId",
  "clientId",
  "cookieName",
  "choicesByUrl",
]);
/** Properties that load an image: only inline images (data:image/…), nothing from a server. */
const IMAGE_PROPERTIES = new Set(["logo", "backgroundImage", "imageLink"]);
/** Question types that render their own HTML outside SurveyJS's HTML hooks. */
const FORBIDDEN_TYPES = new Set(["flowpanel"]);
const INLINE_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$/i;

/** Why a property of a survey object is not allowed (the property, or "type: …"), or null. */
export function forbiddenProperty(key: string, value: unknown): string | null {
  if (FORBIDDEN_PROPERTIES.has(key)) return key;
  if (IMAGE_PROPERTIES.has(key)) {
    const images = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.values(value) : [value];
    return images.every((v) => v === "" || (typeof v === "string" && INLINE_IMAGE.test(v))) ? null : key;
  }
  if (key === "type" && typeof value === "string" && FORBIDDEN_TYPES.has(value.toLowerCase())) return `type: ${value}`;
  return null;
}

/**
 * A copy of a SurveyJS definition for rendering, without the forbidden properties and the
 * objects of forbidden types: the checker refuses what this removes; this is for versions
 * stored without the checker's say. (HTML strings are reduced when rendered, after SurveyJS
 * has put answers into them: see the survey form's processHtml.)
 */
export function safeSurvey<T>(survey: T): T {
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && forbiddenProperty("type", x.type))).map(visit);
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!forbiddenProperty(k, x)) out[k] = visit(x);
    return out;
  };
  return visit(survey) as T;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
