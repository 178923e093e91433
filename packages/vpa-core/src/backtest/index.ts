/**
 * The backtest engine (issue 5): a shared-cash, long-only portfolio over many symbols, traded on
 * the signals of the scanner's own analyzer under the Vietnamese market's rules. Pure: no I/O,
 * clock, randomness or logging. See README.md in this folder for the fill model and every rule.
 */
export type { BacktestConfig, ExitReason } from "./backtest-config.ts";
export {
  BacktestConfigError,
  DEFAULT_BACKTEST_CONFIG,
  ENTRY_SIGNAL_TYPES,
  EXIT_REASONS,
  futuresMarginProblems,
  resolveBacktestConfig,
} from "./backtest-config.ts";
export type {
  DrawdownStatistics,
  PerformanceMetrics,
  ReturnStatistics,
  TradeStatistics,
} from "./backtest-metrics.ts";
export {
  calendarDaysBetween,
  computePerformanceMetrics,
  dailyReturns,
  drawdownStatistics,
  periodsPerYearOf,
  returnStatistics,
  TRADING_DAYS_PER_YEAR,
  tradeStatistics,
} from "./backtest-metrics.ts";
export type {
  AnalyzedSymbol,
  BacktestSymbolInput,
  BacktestUniverse,
  UniverseSymbol,
} from "./backtest-universe.ts";
export { analyzeBacktestSymbol, createBacktestUniverse } from "./backtest-universe.ts";
export type { IndexCoverage, IndexSeries } from "./benchmark-series.ts";
export { alignIndexSeries, equalWeightBenchmark, indexCoverage } from "./benchmark-series.ts";
export type { BreakdownRow } from "./breakdown-tables.ts";
export { breakdownBy } from "./breakdown-tables.ts";
export type { EntryCandidate, SignalEvents } from "./entry-candidates.ts";
export { collectSignalEvents } from "./entry-candidates.ts";
export { buyFillPriceVnd, sellFillPriceVnd, toTickPriceVnd } from "./fill-model.ts";
export { marginDepositVnd, oneLotOutlayVnd } from "./futures-margin.ts";
export type { MonthlyReturn } from "./monthly-returns.ts";
export { monthlyReturns } from "./monthly-returns.ts";
export type { BacktestTrade, OnSessionClose, SimulationCounters } from "./portfolio-simulation.ts";
export { advancePortfolio, UniverseMarket } from "./portfolio-simulation.ts";
export type {
  ClosedTrade,
  PortfolioOrder,
  PortfolioPosition,
  PortfolioState,
  SessionMarket,
  StepCandidate,
  StepCounters,
} from "./portfolio-step.ts";
export {
  closeAllAtLastClose,
  emptyStepCounters,
  initialPortfolioState,
  stepPortfolio,
} from "./portfolio-step.ts";
export type { RelativeMetrics } from "./relative-metrics.ts";
export { relativeMetrics } from "./relative-metrics.ts";
export type { BacktestResult, BenchmarkSummary, EquitySeries, RunBacktestOptions } from "./run-backtest.ts";
export {
  compareWithBenchmarks,
  runBacktest,
  runBacktestOnUniverse,
  summarizeBenchmark,
} from "./run-backtest.ts";
export * from "./walk-forward/index.ts";
