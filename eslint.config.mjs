// Lint (`npm run lint`, run first in CI): typescript-eslint's type-checked recommended rules
// (the no-unsafe-* family included) and no non-null assertions,
// React's rules of hooks, and the architecture's arrows (.ci/lint/architecture.mjs: layers,
// client code, import cycles). No eslint-disable comments: a rule that does not fit the
// codebase is chosen off here, with the reason.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import { architecture } from "./.ci/lint/architecture.mjs";

export default defineConfig(
  { ignores: [".next/**", ".data/**", "node_modules/**", "db/migrations/**", "next-env.d.ts", "public/**"] },
  {
    files: ["**/*.{ts,tsx,mts,mjs,js}"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    // No eslint-disable comments: inline configuration is ignored (and reported), so a rule that
    // does not fit is chosen off here, with its reason, for everyone to see.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "error" },
    rules: {
      // Cell values and JSON read from uploaded files are `unknown` and are turned into text
      // on purpose (an object cell becomes a visible "[object Object]" error, not a crash).
      "@typescript-eslint/no-base-to-string": "off",
      // Async functions that implement an async interface (next-auth callbacks, loaders and
      // fakes in tests) need not await anything.
      "@typescript-eslint/require-await": "off",
      // A promise-returning React event handler is the idiom (antd and React ignore the
      // result); promises passed elsewhere where void is expected are still errors.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      // Import parsing strips control characters from cells on purpose.
      "no-control-regex": "off",
      // No `!`: an element in range by construction is read with at()/atKey() (server/shared/indexed.ts),
      // a row that must exist with one() (db/query.ts); otherwise a guard says what happens.
      "@typescript-eslint/no-non-null-assertion": "error",
      // `_`-prefixed names mark what a destructuring leaves out on purpose.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The classic rules of hooks. The React Compiler's rules (refs, purity, set-state-in-effect
    // and the rest of recommended-latest) are off: the app does not use the compiler.
    files: ["**/*.tsx", "app/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  architecture(import.meta.dirname),
  // Scripts and configs outside the TypeScript project (.mjs, .mts, next.config.js):
  // syntax rules only; next.config.js is CommonJS.
  { files: ["**/*.{mts,mjs,js}"], extends: [tseslint.configs.disableTypeChecked] },
  { files: ["**/*.js"], languageOptions: { sourceType: "commonjs" }, rules: { "@typescript-eslint/no-require-imports": "off" } },
);
