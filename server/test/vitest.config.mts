import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export default defineConfig({
  root,
  resolve: { alias: { "@": root } },
  test: {
    include: ["server/**/*.test.ts", "db/**/*.test.ts", "bench/**/*.test.ts", "app/**/*.test.ts"],
    environment: "node",
    // Keep one database per worker across files (PGlite takes ~3 s to start).
    pool: "forks",
    isolate: false,
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["server/test/setup.ts"],
  },
});
