import { defineConfig } from "vitest/config";

// Tests run the TypeScript sources: workspace packages export a "source" condition (src/*.ts)
// before "default" (the compiled dist/*.js that plain node and the images use), and Vite picks
// "source" first. Vite's own server conditions follow, so third-party packages resolve as before.
const SOURCE_FIRST = ["source", "module", "node", "development|production"];
const fromSource = { resolve: { conditions: SOURCE_FIRST }, ssr: { resolve: { conditions: SOURCE_FIRST } } };

// Two tiers you can see in the file name: `*.test.ts` are unit tests of pure code
// (milliseconds, no network); `*.int.test.ts` and `test/e2e/**` use the real stack
// (Kafka, schema registry, Redis) that the integration global setup provides.
export default defineConfig({
  test: {
    projects: [
      {
        ...fromSource,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "infra/src/**/*.test.ts", "bench/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          environment: "node",
          // Most take milliseconds; the property tests and the backtest/learn runs over generated
          // markets take seconds, and several times that on a machine shared with a running stack.
          // A timeout is a hang detector here, never a performance check.
          testTimeout: 30_000,
        },
      },
      {
        ...fromSource,
        test: {
          name: "integration",
          include: ["**/*.int.test.ts", "test/e2e/**/*.test.ts"],
          exclude: ["**/node_modules/**"],
          environment: "node",
          globalSetup: ["packages/testkit/src/global-setup.ts"],
          // Broker round-trips and consumer-group joins take seconds, not milliseconds.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One stack for the whole run; tests isolate themselves by topic, group, subject and key prefix.
          fileParallelism: true,
        },
      },
    ],
  },
});
