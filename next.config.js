// @ts-check
const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./server/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // PGlite ships WebAssembly and data files that must be loaded from node_modules.
  serverExternalPackages: ["@electric-sql/pglite", "exceljs", "postgres"],
  experimental: {
    // Import uploads go through a route handler; this caps other bodies.
    serverActions: { bodySizeLimit: "1mb" },
  },
};

module.exports = withNextIntl(nextConfig);
