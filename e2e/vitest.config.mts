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
    hookTimeout: 600_000,
  },
});
