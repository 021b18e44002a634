// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", ".stack/**", "bench/results/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  {
    // The web console's browser code: plain ES modules, no build step.
    files: ["services/console/web/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Rule packages do no I/O: time comes in as a parameter, never from the process.
    files: ["packages/scoring/src/**/*.ts", "packages/imports/src/**/*.ts", "packages/routing/src/**/*.ts", "packages/contracts/src/**/*.ts", "packages/pipeline/src/**/*.ts", "packages/backtest/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/cli/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*", "fs", "path", "http", "net", "child_process"], message: "Rule packages do no I/O." },
            { group: ["kafkajs", "ioredis", "pino", "@kafkajs/*"], message: "Rule packages do no I/O." },
          ],
        },
      ],
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "Take `now` as a parameter." }],
      "no-restricted-globals": ["error", { name: "process", message: "Packages never read the process environment." }],
    },
  },
);
