// What a refused submission shows in the form: the server's per-question errors (from a
// tRPC error's data.details, whichever client made the call, or a CollectError's details)
// and its message above the form. Imports no tRPC client: the student's pages load none.
import type { CompleteResult, ServerQuestionError } from "../survey/types";
import { CollectError } from "./collect";

export function refusal(e: unknown): CompleteResult {
  const details =
    e instanceof CollectError
      ? e.details
      : e instanceof Error && "data" in e
        ? (e.data as { details?: unknown } | undefined)?.details
        : undefined;
  return {
    ok: false,
    errors: Array.isArray(details) ? (details as ServerQuestionError[]) : [],
    message: e instanceof Error ? e.message : String(e),
  };
}

/** An onComplete that runs `send` and reports success, or the refusal at its questions. */
export function completeWith<A>(send: (answers: A) => Promise<unknown>, onDone: () => void | Promise<void>) {
  return async (answers: A): Promise<CompleteResult> => {
    try {
      await send(answers);
      await onDone();
      return { ok: true };
    } catch (e) {
      return refusal(e);
    }
  };
}
