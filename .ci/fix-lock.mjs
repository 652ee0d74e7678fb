// Adds platform-only optional packages the registry here does not serve to the lockfile,
// marked for their OS/CPU, so `npm ci` accepts the lock and skips them on Linux x64.
import { readFileSync, writeFileSync } from "node:fs";
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const pkgs = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const nested = `${path}/node_modules/${name}`;
    if (pkgs[key] || pkgs[nested]) continue;
    const m =
      /(darwin|win32|linux|freebsd|android|openbsd|sunos|aix|netbsd)-(x64|arm64|arm|ia32|ppc64|s390x|riscv64|loong64|mips64el|universal)?/.exec(
        name,
      );
    if (!m) {
      console.warn("cannot tell platform of", name);
      continue;
    }
    const entry = { version, optional: true, os: [m[1]] };
    if (m[2] && m[2] !== "universal") entry.cpu = [m[2]];
    if (/-musl/.test(name)) entry.libc = ["musl"];
    else if (/-gnu/.test(name)) entry.libc = ["glibc"];
    pkgs[key] = entry;
    added++;
  }
}
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} platform-only optional packages to package-lock.json`);
