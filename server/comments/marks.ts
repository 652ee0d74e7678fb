import type { CommentMark, MarkKind } from "@/db/schema/comments";

/**
 * Automatic marks that help a reviewer see what may identify someone or abuse them. They only
 * point: the reviewer decides. Pure, so the same text and lists always give the same marks.
 *
 * - phone: a mainland mobile number (11 digits, 1[3-9]…, spaces or hyphens allowed as 3-4-4,
 *   an optional +86/0086 before it) or a landline with its area code (0xx-xxxxxxx(x)).
 * - student_number: the number of a person of the section, standing alone (not inside a longer
 *   run of digits), and any other standalone run of 8 to 13 digits (student and staff numbers);
 *   a phone number is marked as a phone, not twice.
 * - name: the full name of a person of the section (its teachers and enrolled students), as
 *   written (Chinese names) or case-insensitively on word boundaries (Latin names).
 * - abuse: a word of the school's list (comment_words), anywhere, case-insensitively.
 *
 * Digits are ASCII or full-width (０-９): a student typing on a Chinese keyboard gets both.
 */
export type MarkLists = { names: readonly string[]; numbers?: readonly string[]; words: readonly string[] };

const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g;
/** The text with full-width digits as ASCII (same length: offsets stay valid). */
const asciiDigits = (s: string) => s.replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

const PHONE = [/(?<![\d])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)/g, /(?<![\d])0\d{2,3}-\d{7,8}(?!\d)/g];
const DIGIT_RUN = /(?<!\d)\d{8,13}(?!\d)/g;
const LATIN = /^[A-Za-z][A-Za-z .'-]*$/;

function escapeRe(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }) {
  return a.start < b.end && b.start < a.end;
}

export function markComment(text: string, lists: MarkLists): CommentMark[] {
  const out: CommentMark[] = [];
  const digits = asciiDigits(text);
  const add = (kind: MarkKind, start: number, end: number) => {
    if (end > start) out.push({ kind, start, end });
  };
  for (const re of PHONE) for (const m of digits.matchAll(re)) add("phone", m.index, m.index + m[0].length);
  const phones = out.slice();
  const numbers = [...new Set((lists.numbers ?? []).filter((n) => /^[0-9A-Za-z]{4,}$/.test(n)))];
  const runs = [...digits.matchAll(DIGIT_RUN)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  for (const n of numbers) {
    const re = new RegExp(`(?<![0-9A-Za-z])${escapeRe(n)}(?![0-9A-Za-z])`, "gi");
    for (const m of digits.matchAll(re)) runs.push({ start: m.index, end: m.index + m[0].length });
  }
  for (const span of runs) {
    if (
      !phones.some((p) => overlaps(p, span)) &&
      !out.some((o) => o.kind === "student_number" && o.start === span.start && o.end === span.end)
    ) {
      add("student_number", span.start, span.end);
    }
  }
  const names = [...new Set(lists.names.map((n) => n.trim()).filter((n) => n.length >= 2))];
  for (const name of names) {
    if (LATIN.test(name)) {
      const re = new RegExp(`(?<![A-Za-z])${escapeRe(name)}(?![A-Za-z])`, "gi");
      for (const m of text.matchAll(re)) add("name", m.index, m.index + m[0].length);
    } else {
      for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + name.length)) add("name", i, i + name.length);
    }
  }
  const words = [...new Set(lists.words.map((w) => w.trim().toLowerCase()).filter((w) => w.length > 0))];
  for (const w of words) for (const m of text.matchAll(new RegExp(escapeRe(w), "gi"))) add("abuse", m.index, m.index + m[0].length);
  return out.sort((a, b) => a.start - b.start || b.end - a.end || a.kind.localeCompare(b.kind));
}

/** The distinct kinds of a comment's marks, in a fixed order (what the filter matches). */
export function kindsOf(marks: readonly CommentMark[]): MarkKind[] {
  const order: MarkKind[] = ["phone", "student_number", "name", "abuse"];
  return order.filter((k) => marks.some((m) => m.kind === k));
}
