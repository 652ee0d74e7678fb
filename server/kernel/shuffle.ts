import { randomInt } from "node:crypto";
import { at } from "@/server/shared/indexed";

/** A copy of `xs` in an order drawn with crypto randomness (Fisher–Yates): what anonymity's shuffles use. */
export function shuffled<T>(xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [a[i], a[j]] = [at(a, j), at(a, i)];
  }
  return a;
}
