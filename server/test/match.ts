import { expect } from "vitest";

/**
 * vitest's asymmetric matchers, typed `unknown` where vitest types them `any`: inside the
 * object or array an assertion compares, an `any` would switch off the type checks of the
 * literal around it (the no-unsafe-* lint rules). Each is exactly vitest's matcher of the
 * same name: `{ n: match.any(Number) }` asserts what `{ n: expect.any(Number) }` does.
 */
export const match = {
  any: (constructor: unknown): unknown => expect.any(constructor),
  stringContaining: (expected: string): unknown => expect.stringContaining(expected),
  closeTo: (expected: number, precision?: number): unknown => expect.closeTo(expected, precision),
  objectContaining: (expected: Record<string, unknown>): unknown => expect.objectContaining(expected),
  arrayContaining: (expected: unknown[]): unknown => expect.arrayContaining(expected),
};
