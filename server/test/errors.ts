import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { DomainError, type DomainErrorKind } from "../kernel/errors";

// The one way tests assert that something fails: with `await expect(…).rejects`, never a
// try/catch (which passes silently when nothing throws). An action is a promise, or a function
// that throws or rejects (synchronous domain functions included).

type Action = Promise<unknown> | (() => unknown);
const settle = (action: Action): Promise<unknown> => (typeof action === "function" ? Promise.resolve().then(action) : action);

/** Expects `action` to fail with an instance of `type`; returns that error for further checks. */
export async function expectFailure<E extends Error>(action: Action, type: abstract new (...args: never[]) => E): Promise<E> {
  const p = settle(action);
  await expect(p).rejects.toBeInstanceOf(type);
  return p.then(
    () => {
      throw new Error("unreachable");
    },
    (e: unknown) => e as E,
  );
}

/**
 * Expects a DomainError with this code, and this kind and these params where given: thrown by a
 * domain function, or the cause of a tRPC refusal (a procedure called through createCaller).
 * Returns it.
 */
export async function expectDomainError(
  action: Action,
  expected: { code: string; kind?: DomainErrorKind; params?: Record<string, unknown> },
): Promise<DomainError> {
  const p = settle(action).catch((e: unknown) => {
    throw e instanceof TRPCError && e.cause instanceof DomainError ? e.cause : e;
  });
  const e = await expectFailure(p, DomainError);
  expect({ code: e.code, kind: e.kind, params: e.params }).toMatchObject(expected);
  return e;
}

/** The code and message (in the caller's language) a procedure called through createCaller is refused with. */
export async function refusalOf(action: Action): Promise<{ code: TRPCError["code"]; message: string }> {
  const e = await expectFailure(action, TRPCError);
  return { code: e.code, message: e.message };
}
