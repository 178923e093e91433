import type { BacktestTrade } from "./portfolio-simulation.ts";

/**
 * Definitions (each hand-checked in backtest-metrics.test.ts). `equity` is the value at each
 * session's close, the first point being the start (the initial capital); daily returns are
 * `equity[t] / equity[t-1] − 1`. Risk-free rate 0; 252 sessions a year.
 */
export const TRADING_DAYS_PER_YEAR = 252;

export interface PerformanceMetrics extends TradeStatistics {
  readonly initialCapital: number;
  readonly finalEquity: number;
  /** finalEquity / initialCapital − 1. */
  readonly totalReturn: number;
  /** (final / first)^(1 / years) − 1, years = calendar days between the first and last date / 365.25. */
  readonly cagr: number | null;
  /** Sample standard deviation of daily returns × √252. */
  readonly annualVolatility: number | null;
  /** mean(daily) / stdev(daily) × √252. */
  readonly sharpe: number | null;
  /** mean(daily) / √(mean(min(daily, 0)²)) × √252 (downside deviation over all days). */
  readonly sortino: number | null;
  /** cagr / |maxDrawdown|. */
  readonly calmar: number | null;
  /** Most negative equity / running peak − 1 (0 when equity never fell). */
  readonly maxDrawdown: number;
  /** Calendar days of the longest underwater stretch: from a peak to the first close back at it (or the last date). */
  readonly maxDrawdownDays: number;
  /** Mean over sessions of invested / equity. */
  readonly exposure: number;
  /** Share of sessions with at least one open position. */
  readonly timeInMarket: number;
}

const DAY_MS = 86_400_000;

/** Calendar days from `from` to `to` (`YYYY-MM-DD`, or intraday bar times: their dates count). */
export function calendarDaysBetween(from: string, to: string): number {
  return Math.round(
    (Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / DAY_MS,
  );
}

/**
 * Steps (bars) of a run's series per year: 252 for daily bars; for intraday bars, 252 times the
 * mean number of bars per date, so that volatility, Sharpe and Sortino of per-bar returns are
 * annualised on the same footing as a daily run's.
 */
export function periodsPerYearOf(times: readonly string[]): number {
  if (times.length === 0 || (times[0]?.length ?? 0) <= 10) return TRADING_DAYS_PER_YEAR;
  const dates = new Set(times.map((time) => time.slice(0, 10)));
  return TRADING_DAYS_PER_YEAR * (times.length / dates.size);
}

/** Daily returns of an equity series (length − 1 values). */
export function dailyReturns(equity: ArrayLike<number>): Float64Array {
  const returns = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) returns[i - 1] = equity[i]! / equity[i - 1]! - 1;
  return returns;
}

export interface ReturnStatistics {
  readonly annualVolatility: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
}

/**
 * Volatility, Sharpe and Sortino of per-session returns (null when undefined: < 2 returns, no
 * dispersion, no loss), annualised with `periodsPerYear` (252 for daily bars).
 */
export function returnStatistics(
  returns: ArrayLike<number>,
  periodsPerYear: number = TRADING_DAYS_PER_YEAR,
): ReturnStatistics {
  const n = returns.length;
  if (n < 2) return { annualVolatility: null, sharpe: null, sortino: null };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i]!;
  const mean = sum / n;
  let squares = 0;
  let downside = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    squares += (r - mean) * (r - mean);
    if (r < 0) downside += r * r;
  }
  const std = Math.sqrt(squares / (n - 1));
  const downsideDeviation = Math.sqrt(downside / n);
  const annual = Math.sqrt(periodsPerYear);
  return {
    annualVolatility: std * annual,
    sharpe: std > 0 ? (mean / std) * annual : null,
    sortino: downsideDeviation > 0 ? (mean / downsideDeviation) * annual : null,
  };
}

export interface DrawdownStatistics {
  readonly maxDrawdown: number;
  /** Calendar days of the longest stretch below a previous peak (to recovery, or to the last date). */
  readonly maxDrawdownDays: number;
  /** equity / running peak − 1 at each point. */
  readonly drawdown: Float64Array;
}

/** Drawdown series, its deepest point and its longest duration. */
export function drawdownStatistics(times: readonly string[], equity: ArrayLike<number>): DrawdownStatistics {
  const drawdown = new Float64Array(equity.length);
  let peak = 0;
  let peakIndex = 0;
  let maxDrawdown = 0;
  let longest = 0;
  for (let i = 0; i < equity.length; i++) {
    const value = equity[i]!;
    if (i === 0 || value >= peak) {
      // Every point strictly between two peaks is below the first one: an underwater stretch.
      if (i > peakIndex + 1) longest = Math.max(longest, calendarDaysBetween(times[peakIndex]!, times[i]!));
      peak = value;
      peakIndex = i;
    }
    const dd = value / peak - 1;
    drawdown[i] = dd;
    if (dd < maxDrawdown) maxDrawdown = dd;
  }
  const last = equity.length - 1;
  if (last > peakIndex) longest = Math.max(longest, calendarDaysBetween(times[peakIndex]!, times[last]!));
  return { maxDrawdown, maxDrawdownDays: longest, drawdown };
}

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

export interface TradeStatistics {
  readonly trades: number;
  /** Share of trades with netPnl > 0. */
  readonly winRate: number | null;
  /** Sum of winning netPnl / |sum of losing netPnl|; null without losses. */
  readonly profitFactor: number | null;
  /** Mean netPnl per trade, VND. */
  readonly expectancy: number | null;
  /** Mean netReturn per trade. */
  readonly expectancyReturn: number | null;
  readonly averageWin: number | null;
  readonly averageLoss: number | null;
  readonly averageWinReturn: number | null;
  readonly averageLossReturn: number | null;
  readonly averageHoldingDays: number | null;
  readonly feesPaid: number;
  readonly taxPaid: number;
}

/** Statistics of a trade list (a win is netPnl > 0; a trade at exactly 0 is neither win nor loss). */
export function tradeStatistics(trades: readonly BacktestTrade[]): TradeStatistics {
  const wins = trades.filter((t) => t.netPnl > 0);
  const losses = trades.filter((t) => t.netPnl < 0);
  const grossWin = wins.reduce((a, t) => a + t.netPnl, 0);
  const grossLoss = losses.reduce((a, t) => a - t.netPnl, 0);
  return {
    trades: trades.length,
    winRate: trades.length === 0 ? null : wins.length / trades.length,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    expectancy: mean(trades.map((t) => t.netPnl)),
    expectancyReturn: mean(trades.map((t) => t.netReturn)),
    averageWin: mean(wins.map((t) => t.netPnl)),
    averageLoss: mean(losses.map((t) => t.netPnl)),
    averageWinReturn: mean(wins.map((t) => t.netReturn)),
    averageLossReturn: mean(losses.map((t) => t.netReturn)),
    averageHoldingDays: mean(trades.map((t) => t.holdingDays)),
    feesPaid: trades.reduce((a, t) => a + t.fees, 0),
    taxPaid: trades.reduce((a, t) => a + t.tax, 0),
  };
}

/**
 * Every metric of a run. `times[i]`/`equity[i]`/`invested[i]` are the sessions' closes; the
 * first session is the start (its equity is the initial capital: nothing can be bought before the
 * first close has produced a signal).
 */
export function computePerformanceMetrics(input: {
  readonly times: readonly string[];
  readonly equity: ArrayLike<number>;
  readonly invested: ArrayLike<number>;
  readonly initialCapital: number;
  readonly trades: readonly BacktestTrade[];
}): PerformanceMetrics {
  const { times, equity, invested, initialCapital } = input;
  const n = equity.length;
  const finalEquity = n === 0 ? initialCapital : equity[n - 1]!;
  const years = n < 2 ? 0 : calendarDaysBetween(times[0]!, times[n - 1]!) / 365.25;
  const growth = n === 0 ? 1 : finalEquity / equity[0]!;
  const cagr = years > 0 && growth > 0 ? growth ** (1 / years) - 1 : null;
  const stats = returnStatistics(dailyReturns(equity), periodsPerYearOf(times));
  const drawdown = drawdownStatistics(times, equity);
  let exposureSum = 0;
  let sessionsInMarket = 0;
  for (let i = 0; i < n; i++) {
    exposureSum += equity[i]! > 0 ? invested[i]! / equity[i]! : 0;
    if (invested[i]! > 0) sessionsInMarket++;
  }
  return {
    initialCapital,
    finalEquity,
    totalReturn: finalEquity / initialCapital - 1,
    cagr,
    ...stats,
    calmar: cagr !== null && drawdown.maxDrawdown < 0 ? cagr / Math.abs(drawdown.maxDrawdown) : null,
    maxDrawdown: drawdown.maxDrawdown,
    maxDrawdownDays: drawdown.maxDrawdownDays,
    ...tradeStatistics(input.trades),
    exposure: n === 0 ? 0 : exposureSum / n,
    timeInMarket: n === 0 ? 0 : sessionsInMarket / n,
  };
}
