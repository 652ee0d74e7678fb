import { z } from "zod";

// Row ids are PostgreSQL `integer`s (serial). An id outside 1…2^31−1 names no row, and sent to
// the database it overflows (a 500): so every boundary checks ids with these, once.

/** The largest value of a PostgreSQL integer column. */
export const MAX_ID = 2_147_483_647;

/** A row id in a procedure's input (numbers arrive as numbers through superjson). */
export const idSchema = z.number().int().positive().max(MAX_ID);

/**
 * A row id from text: a route parameter, a query-string value or a form field. Decimal digits
 * only (no sign, exponent, hex or spaces), then the same range as idSchema.
 */
export const idTextSchema = z
  .string()
  .regex(/^[0-9]{1,10}$/)
  .transform(Number)
  .pipe(idSchema);

/** The id a URL segment, query value or form field names, or null when it names none. */
export function parseId(raw: unknown): number | null {
  const r = idTextSchema.safeParse(raw);
  return r.success ? r.data : null;
}

/**
 * A school year ("2026-2027"), the key of policies, appraisals and attainment runs: two
 * consecutive years ("2026-2028" and "2026-27" name none). Every boundary checks it with this.
 */
export const schoolYearSchema = z
  .string()
  .regex(/^\d{4}-\d{4}$/, { abort: true })
  .refine((y) => Number(y.slice(5)) === Number(y.slice(0, 4)) + 1);
