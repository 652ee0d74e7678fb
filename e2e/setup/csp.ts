import { afterEach, expect } from "vitest";
import { takeCspViolations } from "../browser";

// Every page of every journey runs under the app's Content-Security-Policy (proxy.ts): a
// violation means a page needs something the policy forbids (or something got injected).
afterEach(() => {
  expect(takeCspViolations(), "Content-Security-Policy violations").toEqual([]);
});
