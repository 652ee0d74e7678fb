import { isJsonObject, type Json } from "../walk";

/**
 * Typed access into an instrument JSON fixture that a test means to change: `node(f,
 * "survey.pages.0.elements.2")` is the object at that path and `list(f, "items")` the array;
 * a step that is not there (or not of that shape) throws, naming the path, so a fixture that
 * changed under a test fails it instead of changing nothing.
 */
function walk(root: unknown, path: string): unknown {
  let at = root;
  for (const step of path === "" ? [] : path.split(".")) {
    const next: unknown = Array.isArray(at) ? (at as unknown[])[Number(step)] : isJsonObject(at) ? at[step] : undefined;
    if (next === undefined) throw new TypeError(`fixture: nothing at "${step}" of "${path}"`);
    at = next;
  }
  return at;
}

/** The object at `path` of `root` ("" for root itself). */
export function node(root: unknown, path = ""): Json {
  const v = walk(root, path);
  if (!isJsonObject(v)) throw new TypeError(`fixture: "${path}" is not an object`);
  return v;
}

/** The array at `path` of `root`. */
export function list(root: unknown, path: string): unknown[] {
  const v = walk(root, path);
  if (!Array.isArray(v)) throw new TypeError(`fixture: "${path}" is not an array`);
  return v as unknown[];
}
