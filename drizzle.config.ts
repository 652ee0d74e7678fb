import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and committed; both drivers (PGlite and
// postgres.js) apply the same files at start (see db/client.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  strict: true,
});
