import type { z, ZodError } from "zod";
import { isMessageKey, type Locale, type MessageKey } from "../i18n/messages";
import { describeZod, zodFields } from "../i18n/zod";
import { DomainError } from "./errors";

/**
 * The one way input is validated and refused. A domain exports its zod schemas; the router's
 * `.input()` takes the schema and the domain function parses its input again with
 * `parseInput` (it is also called by other domains, the scheduler and tests). Either way a
 * failure says the same thing, decided here once (`inputRefusal`):
 *
 *   - the first issue's message, when the schema gave it as a catalogue key
 *     (`z.string().min(1, "campaigns.errors.nameRequired")`), with the field's `path`;
 *   - otherwise `errors.invalidInput`, its `detail` every issue after its path, in zod's words
 *     of the caller's language.
 *
 * A domain function refuses with an `InputError` (a BAD_REQUEST DomainError listing every issue's
 * path and code in `details`); a schema run by tRPC or a route handler throws zod's own error.
 * The tRPC error formatter, the error mapping and `routeHandler` put both into the caller's
 * language with `inputRefusal`, and hand forms the per-field messages (`zodFields`).
 */

/** The message code and parameters of a failed parse, in the caller's language. */
export function inputRefusal(error: ZodError, locale: Locale): { code: MessageKey; params: Record<string, string> } {
  const first = error.issues[0];
  if (first && isMessageKey(first.message)) return { code: first.message, params: { path: first.path.join(".") } };
  return { code: "errors.invalidInput", params: { detail: describeZod(error, locale) } };
}

/** A domain function's refusal of its input (see above); its parameters are worked out per language when it is mapped. */
export class InputError extends DomainError {
  constructor(readonly zod: ZodError) {
    const { code, params } = inputRefusal(zod, "zh");
    super(
      "BAD_REQUEST",
      code,
      params,
      zod.issues.map((i) => ({ path: i.path.join("."), code: isMessageKey(i.message) ? i.message : "errors.invalidInput" })),
    );
  }
}

/** The input of a domain function, parsed by its schema; refused with an InputError. */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const res = schema.safeParse(raw);
  if (res.success) return res.data;
  throw new InputError(res.error);
}

/**
 * A router's `.input()` that refuses as the domain function does (an InputError, mapped like
 * every domain error): for domains whose schemas name their own messages, so a refusal reads the
 * same through a procedure as from the function.
 */
export function inputOf<T extends z.ZodType>(schema: T): ProcedureInput<z.input<T>, z.output<T>, T> {
  // `_input`/`_output` exist as types only: what tRPC reads to type the client's input and the procedure's.
  // `schema` keeps the zod schema readable by what walks the router's inputs (the id bounds test).
  return { parse: (raw: unknown) => parseInput(schema, raw), schema } as ProcedureInput<z.input<T>, z.output<T>, T>;
}
type ProcedureInput<I, O, T> = { readonly _input: I; readonly _output: O; readonly schema: T; parse(raw: unknown): O };

/** A domain error's parameters in the caller's language (an InputError's detail is zod's words in that language). */
export function errorParams(e: DomainError, locale: Locale): Record<string, string | number> {
  return e instanceof InputError ? inputRefusal(e.zod, locale).params : e.params;
}

/** The per-field messages of an input refusal (by dotted path), for forms; null for any other error. */
export function inputFields(e: unknown): Record<string, string> | null {
  return e instanceof InputError ? zodFields(e.zod) : null;
}
