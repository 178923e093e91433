// @ts-check
/**
 * StrykerJS over one scope (`npm run mutation -- vpa-core|alerts`, see run-mutation.mjs): the
 * modules it mutates and the unit tests that must notice. Not part of CI: a measured habit whose
 * figures go to BENCHMARKS.md ("Mutation testing").
 *
 * alerts: its pure modules only (rendering, quiet hours, throttle rules, error classification, the
 * bot's parsing and pacing, the channel registry), the ones unit tests cover. The text tables
 * (i18n/en.ts, vi.ts) are left out: a mutated sentence is not a behaviour a test should pin.
 */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by run-mutation.mjs for StrykerJS only; no turbo task runs it.
const scope = process.env.VPA_MUTATION_SCOPE ?? "vpa-core";

const MUTATE = {
  "vpa-core": ["packages/vpa-core/src/**/*.ts", "!packages/vpa-core/src/**/*.test.ts", "!**/index.ts"],
  "vpa-core-signals": [
    "packages/vpa-core/src/signals/**/*.ts",
    "packages/vpa-core/src/indicators/**/*.ts",
    "packages/vpa-core/src/market/**/*.ts",
    "!packages/vpa-core/src/**/*.test.ts",
    "!**/index.ts",
  ],
  alerts: [
    "apps/alerts/src/alert-throttle.ts",
    "apps/alerts/src/quiet-hours.ts",
    "apps/alerts/src/channels/channel-registry.ts",
    "apps/alerts/src/channels/recipient-option.ts",
    "apps/alerts/src/channels/redact-secrets.ts",
    "apps/alerts/src/channels/*/*-channel.ts",
    "apps/alerts/src/channels/*/*-pacing.ts",
    "apps/alerts/src/channels/*/*-delivery-error.ts",
    "apps/alerts/src/channels/console/console-sender.ts",
    "apps/alerts/src/chart/alert-chart-input.ts",
    "apps/alerts/src/chart/render-chart-svg.ts",
    "apps/alerts/src/evidence/evidence-phrase.ts",
    "apps/alerts/src/evidence/evidence-snapshot.ts",
    "apps/alerts/src/i18n/catalogue.ts",
    "apps/alerts/src/live/render-provisional-event.ts",
    "apps/alerts/src/render/*.ts",
    "apps/alerts/src/telegram-bot/bot-help.ts",
    "apps/alerts/src/telegram-bot/chat-access.ts",
    "apps/alerts/src/telegram-bot/command-throttle.ts",
    "apps/alerts/src/telegram-bot/parse-bot-command.ts",
    "apps/alerts/src/telegram-bot/signal-type-keyboard.ts",
    "apps/alerts/src/telegram-bot/split-telegram-html.ts",
    "!**/*.test.ts",
  ],
};

const mutate = MUTATE[/** @type {keyof typeof MUTATE} */ (scope)];
if (mutate === undefined)
  throw new Error(`unknown mutation scope ${scope}: ${Object.keys(MUTATE).join(", ")}`);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "mutation/vitest.mutation.config.ts" },
  coverageAnalysis: "perTest",
  // Vitest needs no tsconfig, and Stryker's rewrite of it calls TypeScript's JS API, which
  // TypeScript 7 (the native compiler this repo uses) does not have: point it at no file.
  tsconfigFile: "mutation/no-tsconfig.json",
  // The machine is shared: one test process, run under nice by run-mutation.mjs.
  concurrency: 1,
  mutate,
  // Static mutants (module-level constants) need every test per mutant: hours for a few mutants.
  ignoreStatic: true,
  // Only what the tests read is copied into the sandbox.
  ignorePatterns: ["bench", "deploy", "docs", "reports", "tools/bundle", ".vpa", "dist"],
  tempDirName: ".stryker-tmp",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  thresholds: { high: 80, low: 60, break: null },
  timeoutMS: 10_000,
};
