// @ts-check
const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./server/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // `npm run demo` builds while it seeds and does not check types (server/demo/launch.ts sets
  // TQE_DEMO_BUILD): the same output, sooner. `npm run build` and the tests' build check them.
  typescript: { ignoreBuildErrors: process.env.TQE_DEMO_BUILD === "1" },
  // Routes named `route.bench.ts` (the bare benchmark route, app/api/bench/bare) are built only
  // when the benchmark harness builds (bench/harness.ts sets TQE_BENCH_BUILD=1): any other build
  // leaves them out, so a production build has no such route at all.
  ...(process.env.TQE_BENCH_BUILD === "1" ? { pageExtensions: ["bench.ts", "tsx", "ts", "jsx", "js"] } : {}),
  // PGlite ships WebAssembly and data files that must be loaded from node_modules.
  serverExternalPackages: ["@electric-sql/pglite", "exceljs", "postgres", "@resvg/resvg-js"],
  async headers() {
    // Pages get their Content-Security-Policy with a nonce from proxy.ts; route handlers
    // (which the proxy does not run on) this one (server/http/csp.ts API_CONTENT_SECURITY_POLICY).
    return [
      {
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; sandbox" }],
      },
      {
        source: "/(.*)",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          // Invitation links will carry tokens: never leak a URL to another site.
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

module.exports = withNextIntl(nextConfig);
