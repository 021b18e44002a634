import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The fault tests (`npm run test:faults`): long, so not part of `npm test`. They use the
// shared local stack for process and input faults, and a stack of their own for the
// broker and Redis faults. One file at a time: recovery times mean little on a machine
// another fault test is loading.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    name: "faults",
    include: ["test/faults/**/*.test.ts"],
    environment: "node",
    globalSetup: ["packages/testkit/src/global-setup.ts", "test/faults/support/report-setup.ts"],
    testTimeout: 300_000,
    // A private stack's cold start (broker, registry) can take a minute or two.
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
