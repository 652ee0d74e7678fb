/**
 * Indexed access where the index is in range by construction.
 *
 * The compiler runs with `noUncheckedIndexedAccess`: `items[i]` is `T | undefined`, because
 * an index may miss. Where it may, the code says what happens then (a guard, a domain error,
 * a fallback that states a default). Where it cannot — a loop bound, a length checked just
 * above, a regular expression's mandatory group, a `split` (which always returns at least one
 * piece) — `at` reads the element and throws a RangeError if the construction was wrong after
 * all, instead of a `!` that would let `undefined` through unseen. Isomorphic (pages use it).
 */
export function at<T>(items: ArrayLike<T>, index: number): T {
  const value = items[index];
  if (isElement(value, index, items.length)) return value;
  throw new RangeError(`index ${index} out of range (length ${items.length})`);
}

/** Whether the value read is an element: defined, or in range (an element may be undefined when T allows it). */
function isElement<T>(value: T | undefined, index: number, length: number): value is T {
  return value !== undefined || (index >= 0 && index < length);
}
