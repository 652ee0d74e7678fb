import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** The folders the app is built from, and the files of the root that the build reads. */
const SOURCE_DIRS = ["app", "server", "db", "surveys", "public"];
/** Code and configuration in the root (proxy.ts, instrumentation.ts, next.config.js, package files…) and .env files. */
const ROOT_FILE = /^(?:[^.].*\.(?:ts|tsx|js|mjs|cjs|json)|\.env(?:\.[a-z.]+)?)$/;
/** Never sources: dependencies, build output (next-env.d.ts is written by the build), data, test artifacts. */
const SKIP = new Set(["node_modules", ".next", ".data", ".git", "artifacts", "next-env.d.ts"]);

/**
 * A hash of everything `next build` reads: the root's code and configuration (package, lock,
 * next.config.js, tsconfig.json, proxy.ts, instrumentation.ts…, .env files) and every file under
 * the source folders (path, size and
 * contents; hidden files and the folders above left out). `npm run demo` builds again only when
 * it changed (server/demo/launch.ts). Content, not times: a fresh checkout of the same commit is
 * the same build; a note or a log left in the root is not a source.
 */
export function sourcesHash(dir: string): string {
  const h = createHash("sha256");
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      if (SKIP.has(name) || name.startsWith(".")) continue;
      const r = path.join(rel, name);
      const st = statSync(path.join(dir, r));
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) h.update(`${r}\0${st.size}\0`).update(readFileSync(path.join(dir, r)));
    }
  };
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (ROOT_FILE.test(name) && !SKIP.has(name) && statSync(file).isFile())
      h.update(`${name}\0${statSync(file).size}\0`).update(readFileSync(file));
  }
  for (const d of SOURCE_DIRS) if (existsSync(path.join(dir, d))) walk(d);
  return h.digest("hex");
}
