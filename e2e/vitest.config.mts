import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Journeys in real Chromium against the built app on a fresh embedded database with
// the demo university. One server, one browser, files one after another.
export default defineConfig({
  root,
  resolve: { alias: { "@": root } },
  test: {
    include: ["e2e/**/*.e2e.ts"],
    globalSetup: ["e2e/setup/server.ts"],
    setupFiles: ["e2e/setup/csp.ts"],
    fileParallelism: false,
    testTimeout: 90_000,
    // expect.poll waits 1 s by default: too short for a list a page loads by a client query
    // after a navigation on a loaded machine (the shared 2-core machine at load 17 failed four
    // such polls in admin, campaigns, officers-observations and results-guards whose pages
    // answered in a few seconds). A poll that succeeds returns at once, so this costs nothing.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 600_000,
  },
});
