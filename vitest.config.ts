import { defineConfig } from "vitest/config";

// Integration tests share one Redis and one PostgreSQL server; each test file isolates itself
// (a database cloned from the run's migrated template, own queue prefix), so files may run in
// parallel. After each file the leak check fails it if anything it made is still on the servers.
export default defineConfig({
  test: {
    include: [
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "tools/*/src/**/*.test.ts",
      "tools/*/test/**/*.test.ts",
      "test-support/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["./test-support/global-setup.ts"],
    setupFiles: ["./test-support/leak-check-setup.ts"],
    server: {
      deps: {
        // Its ES modules import JSON without `with { type: "json" }`, which Node refuses: let Vite
        // load it (apps/cli/test/ci-workflow.test.ts).
        inline: ["@actions/workflow-parser"],
      },
    },
  },
});
