import { expect } from "vitest";
import { DomainError } from "@/server/kernel/errors";

/** Test helper: expects fn to throw a DomainError with this code (and, if given, these params). */
export function throwsCode(fn: () => unknown, code: string, params?: Record<string, unknown>) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(code);
    if (params) expect((e as DomainError).params).toMatchObject(params);
    return;
  }
  throw new Error(`expected ${code}`);
}
