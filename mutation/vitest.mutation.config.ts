import { defineConfig } from "vitest/config";

/**
 * The unit tests StrykerJS runs against each mutant (mutation/run-mutation.mjs sets the scope). No
 * global setup: the mutated modules are pure, their tests need no Redis or PostgreSQL, and
 * integration tests (`*.int.test.ts`) are left out so a run needs no services.
 */
const SCOPES: Record<string, string[]> = {
  "vpa-core": ["packages/vpa-core/src/**/*.test.ts", "packages/vpa-core/test/**/*.test.ts"],
  alerts: ["apps/alerts/src/**/*.test.ts"],
  // The part of vpa-core whose own unit tests are fast (signals, indicators, market rules): a run
  // of minutes where the whole package's takes hours (its real-data tests cover most mutants).
  "vpa-core-signals": [
    "packages/vpa-core/src/signals/**/*.test.ts",
    "packages/vpa-core/src/indicators/**/*.test.ts",
    "packages/vpa-core/src/market/**/*.test.ts",
    "packages/vpa-core/src/scoring-rules.test.ts",
  ],
};

// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by mutation/run-mutation.mjs for StrykerJS only.
const scope = process.env.VPA_MUTATION_SCOPE ?? "vpa-core";
const include = SCOPES[scope];
if (include === undefined)
  throw new Error(`unknown mutation scope ${scope}: ${Object.keys(SCOPES).join(", ")}`);

export default defineConfig({
  test: {
    include,
    exclude: ["**/node_modules/**", "**/*.int.test.ts"],
    // Instrumented code runs slower: the heaviest track-record test takes over 30 s under Stryker.
    testTimeout: 180_000,
  },
});
