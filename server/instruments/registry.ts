import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { InstrumentFile } from "./format";
import { checkInstrument, describeProblem, type Problem } from "./check";

/**
 * The instrument library: every surveys/<key>.json, checked by checkInstrument.
 * A broken file stops loading with one error that lists every problem of every file.
 */

export type Registry = Record<string, InstrumentFile>;
export type FileProblems = { file: string; problems: Problem[] };

export class InstrumentRegistryError extends Error {
  constructor(
    readonly dir: string,
    readonly files: FileProblems[],
  ) {
    super(
      `Instrument library ${dir}: ${files.length} file(s) failed the check\n` +
        files.map((f) => `${f.file}:\n${f.problems.map((p) => `  - ${describeProblem(p, "en")}  [${p.code}]`).join("\n")}`).join("\n"),
    );
    this.name = "InstrumentRegistryError";
  }
}

export const defaultSurveysDir = () => path.join(process.cwd(), "surveys");

/** Reads and checks one file; the problems include JSON syntax and a file name that differs from the key. */
export function loadInstrumentFile(file: string): { ok: true; file: InstrumentFile } | { ok: false; problems: Problem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(/*turbopackIgnore: true*/ file, "utf8"));
  } catch (e) {
    return { ok: false, problems: [{ path: "", code: "json_syntax", params: { detail: e instanceof Error ? e.message : String(e) } }] };
  }
  const result = checkInstrument(raw);
  const stem = path.basename(file, ".json");
  const key = result.ok ? result.file.key : (raw as { key?: unknown } | null)?.key;
  if (typeof key === "string" && key !== stem) {
    const mismatch: Problem = { path: "key", code: "file_name_mismatch", params: { file: path.basename(file), key } };
    return { ok: false, problems: [...(result.ok ? [] : result.problems), mismatch] };
  }
  return result;
}

/** Every *.json in dir, checked, keyed by instrument key. Throws InstrumentRegistryError listing all problems. */
export function loadRegistry(dir: string = defaultSurveysDir()): Registry {
  // Read at run time from the project folder (surveys/ ships beside the build); the
  // comments keep Next from tracing the whole project into the server bundle.
  const names = readdirSync(/*turbopackIgnore: true*/ dir)
    .filter((n) => n.endsWith(".json"))
    .sort();
  const registry: Registry = {};
  const failed: FileProblems[] = [];
  for (const name of names) {
    const result = loadInstrumentFile(path.join(/*turbopackIgnore: true*/ dir, name));
    if (result.ok) registry[result.file.key] = result.file;
    else failed.push({ file: name, problems: result.problems });
  }
  if (failed.length > 0) throw new InstrumentRegistryError(dir, failed);
  return registry;
}

let cached: { dir: string; registry: Registry } | undefined;

/** loadRegistry, read once per process (the files ship with the code). */
export function getRegistry(dir: string = defaultSurveysDir()): Registry {
  if (!cached || cached.dir !== dir) cached = { dir, registry: loadRegistry(dir) };
  return cached.registry;
}
