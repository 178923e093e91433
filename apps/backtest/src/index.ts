/**
 * @vpa/backtest — backtests on demand (issue 5): the `backtest` queue's worker (single runs,
 * parameter sweeps and walk-forwards as BullMQ flows), submission and cancellation, stored results
 * and the HTML reports.
 */
export * from "./backtest-job-config.ts";
export * from "./backtest-run-not-registered-error.ts";
export * from "./backtest-worker.ts";
export * from "./load-backtest-report.ts";
export * from "./load-benchmark-index.ts";
export * from "./load-universe.ts";
export * from "./no-bars-to-test-error.ts";
export * from "./report/benchmark-verdict.ts";
export * from "./report/format-values.ts";
export * from "./report/render-report-html.ts";
export * from "./report/svg-charts.ts";
export * from "./run-backtest.job.ts";
export * from "./run-sweep.job.ts";
export * from "./run-walk-forward.job.ts";
export * from "./submit-backtest.ts";
