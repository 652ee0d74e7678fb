// Text that can be stored: PostgreSQL refuses the NUL character in text and jsonb, and a
// lone UTF-16 surrogate is not Unicode at all (jsonb refuses its escape; UTF-8 encoders
// silently turn it into U+FFFD). Every boundary where text arrives (tRPC inputs, route
// handlers' bodies and query strings, import cells, sign-in) checks it here and answers
// 400 with errors.badText, instead of letting the database fail with a 500.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string holds no NUL and no lone surrogate. */
export function isStorableText(s: string): boolean {
  return !s.includes("\u0000") && !LONE_SURROGATE.test(s);
}

/**
 * The path ("answers.c", "items[2].name", "" for the value itself) of the first string,
 * or object key, in a JSON-like value that is not storable text; null when all are.
 */
export function unstorableTextPath(value: unknown): string | null {
  const seen = new Set<object>();
  const visit = (v: unknown, path: string): string | null => {
    if (typeof v === "string") return isStorableText(v) ? null : path;
    if (!v || typeof v !== "object" || seen.has(v)) return null;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const bad = visit(v[i], `${path}[${i}]`);
        if (bad !== null) return bad;
      }
      return null;
    }
    if (v instanceof Date || ArrayBuffer.isView(v)) return null;
    for (const [k, x] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      if (!isStorableText(k)) return p;
      const bad = visit(x, p);
      if (bad !== null) return bad;
    }
    return null;
  };
  return visit(value, "");
}

/** A path as shown to people: a key with unstorable characters is shown escaped. */
export function showPath(path: string): string {
  return JSON.stringify(path).slice(1, -1) || "—";
}
