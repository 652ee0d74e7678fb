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

/**
 * A map's entry whose key is present by construction: the map was built from the same list
 * the key comes from, or `has(key)` was checked just above. Throws a RangeError if the
 * construction was wrong after all, instead of a `!` that would let `undefined` through. A key
 * that may be missing (an id from input, an optional lookup) is a guard or a default
 * (`map.get(k) ?? []`), not this.
 */
export function atKey<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (isEntry(value, map, key)) return value;
  throw new RangeError(`key ${String(key)} not in map (size ${map.size})`);
}

/** Whether the value read is an entry: defined, or its key present (an entry may be undefined when V allows it). */
function isEntry<K, V>(value: V | undefined, map: ReadonlyMap<K, V>, key: K): value is V {
  return value !== undefined || map.has(key);
}
