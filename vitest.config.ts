import { defineConfig } from "vitest/config";

// Integration tests share one Redis and one PostgreSQL server; each test file isolates itself
// (own database schema or database, own queue prefix), so files may run in parallel.
export default defineConfig({
  test: {
    include: [
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["./test-support/global-setup.ts"],
  },
});
