import {
  INDEX_FUTURE_FORCED_CLOSE_USAGE,
  INDEX_FUTURE_INITIAL_MARGIN_RATE,
  INDEX_FUTURE_MIN_DEPOSIT_RATE,
} from "../market/index-futures.ts";
import { SETTLEMENT_TRADING_DAYS } from "../market/settlement.ts";
import { DEFAULT_BROKERAGE_RATE } from "../market/trading-costs.ts";
import { SIGNAL_TYPES, type SignalType } from "../signal-type.ts";
import { canHaveBias } from "../signals/signal-definition.ts";
import { SIGNAL_REGISTRY } from "../signals/signal-registry.ts";

/**
 * Why a position was closed. `end_of_period`: still open on the last day, valued (and counted as
 * sold, costs included) at that day's close so that the trades add up to the final equity.
 * `session_end`: sold in the session's closing auction by {@link BacktestConfig.exitAtSessionEnd}.
 * `forced_close`: a VN30 future on margin whose margin usage reached the broker's level
 * ({@link BacktestConfig.futuresForcedCloseUsage}), closed at the next bar's open.
 */
export const EXIT_REASONS = [
  "forced_close",
  "stop_loss",
  "trailing_stop",
  "take_profit",
  "bear_signal",
  "max_hold",
  "session_end",
  "end_of_period",
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/**
 * Signal types that can be bullish, hence can open a long position (the market has no short
 * selling), read from the signal registry in its priority order.
 */
export const ENTRY_SIGNAL_TYPES: readonly SignalType[] = Object.freeze(
  SIGNAL_REGISTRY.filter((definition) => canHaveBias(definition, "bull")).map(
    (definition) => definition.type,
  ),
);

/**
 * Parameters of one backtest. Fractions are plain fractions (0.07 = 7%); money is VND.
 * Every field has a default ({@link DEFAULT_BACKTEST_CONFIG}); {@link resolveBacktestConfig} fills them in.
 */
export interface BacktestConfig {
  /** Bull signal types that open a position. Default: every type that can be bullish. */
  readonly entrySignals: readonly SignalType[];
  /** Minimum signal score (0–100). Default 60. */
  readonly minScore: number;
  /** Minimum confidence (0–1): of the signal, or of its confirmation with `requireConfirmation`. Default 0. */
  readonly minConfidence: number;
  /**
   * Enter only on a signal's confirmation (vpa-signals.md §6): the confirmation is known at the
   * close of t+1, so the order goes to the open of t+2. Default false (order at the open of t+1).
   */
  readonly requireConfirmation: boolean;
  /** Cash at the start, VND. Default 1,000,000,000 (one billion VND). */
  readonly initialCapital: number;
  /** Target value of a new position as a fraction of equity at the previous close. Default 0.1. */
  readonly positionFraction: number;
  /** Open positions plus pending entry orders. Default 10. */
  readonly maxPositions: number;
  /** Exit when the close is this fraction below the entry price; null = none. Default 0.07. */
  readonly stopLoss: number | null;
  /** Exit when the close is this fraction above the entry price; null = none. Default null. */
  readonly takeProfit: number | null;
  /** Exit when the close is this fraction below the highest close since entry; null = none. Default null. */
  readonly trailingStop: number | null;
  /**
   * Exit after this many trading days (sessions of the run's calendar, also for intraday bars:
   * not bars); null = none. Default null.
   */
  readonly maxHoldDays: number | null;
  /** Exit on a bear signal of the held symbol. Default true. */
  readonly exitOnBearSignal: boolean;
  /** Minimum score of that bear signal. Default 0. */
  readonly exitMinScore: number;
  /** Brokerage per side as a fraction of the trade value. Default 0.0015 (0.15%). */
  readonly brokerageRate: number;
  /** Ticks added to a buy and taken off a sell, within the day's band. Default 0. */
  readonly slippageTicks: number;
  /**
   * Trading days from a buy of a stock until the shares can be sold (T+2 since 2016; T+3 before).
   * VN30 futures settle T+0 whatever this says (`market.settlementTradingDaysOf`). Default 2.
   */
  readonly settlementDays: number;
  /**
   * Flat at the close (day trading, e.g. VN30 futures): every position that settlement lets go is
   * sold in its session's closing auction, at the close of the symbol's last bar of the session
   * (exit reason `session_end`), and no entry fills at that bar. A stock bought today (T+2) still
   * waits for its sellable session and is sold at that session's close. Meant for intraday bars
   * (with daily bars every bar ends its session). Default false.
   */
  readonly exitAtSessionEnd: boolean;
  /**
   * HNX's post-close session (PLO, 14:45–15:00, matching only at the closing price; vn-market.md
   * §1): an order for an HNX stock decided on its session's close (an entry, or an exit T+2 lets
   * go) fills at that close the same day, in the PLO, instead of at the next session's open.
   * Only where the data has no bar of the PLO itself (daily bars; intraday bars ending at the
   * ATC's print): the PLO's own bars fill as any bar. Not at a close at the ceiling (a buy) or
   * the floor (a sale): the order waits for the next open. No slippage (one price). A PLO fill
   * needs a counterparty at that price, which the bars cannot show: opt-in. Not with
   * {@link exitAtSessionEnd}'s entries (a day trader opens nothing after the close). Default false.
   */
  readonly hnxPostClose: boolean;
  /**
   * VN30 futures on margin (docs/vn-market.md §4): a position deposits this share of its value
   * (its sizing budget, `positionFraction` of equity, is the deposit: contracts worth budget ÷
   * this, leverage 1 ÷ this) and gains or loses the whole contracts' move; equity counts the
   * deposit plus that profit or loss. At least 0.2125 (VSDC's initial margin 17 % at brokers'
   * opening limit of 80 % usage), at most 1. null: no margin, a contract's whole value paid
   * (unleveraged). Stocks are never on margin. Default null.
   */
  readonly futuresMargin: number | null;
  /**
   * With {@link futuresMargin}: the margin usage (the initial margin on the position's value at a
   * close ÷ its deposit plus its profit or loss; `market.marginUsageOf`) at which the broker closes
   * it by force: exit reason `forced_close`, at the next bar's open, before any other exit rule.
   * Checked on closes as every exit is: a daily run does not see an intraday low a broker would
   * act on. Default 0.9 (SSI's and Vietcap's level; FPTS closes at 1.0).
   */
  readonly futuresForcedCloseUsage: number;
}

export const DEFAULT_BACKTEST_CONFIG: BacktestConfig = Object.freeze({
  entrySignals: ENTRY_SIGNAL_TYPES,
  minScore: 60,
  minConfidence: 0,
  requireConfirmation: false,
  initialCapital: 1_000_000_000,
  positionFraction: 0.1,
  maxPositions: 10,
  stopLoss: 0.07,
  takeProfit: null,
  trailingStop: null,
  maxHoldDays: null,
  exitOnBearSignal: true,
  exitMinScore: 0,
  brokerageRate: DEFAULT_BROKERAGE_RATE,
  slippageTicks: 0,
  settlementDays: SETTLEMENT_TRADING_DAYS,
  exitAtSessionEnd: false,
  hnxPostClose: false,
  futuresMargin: null,
  futuresForcedCloseUsage: INDEX_FUTURE_FORCED_CLOSE_USAGE,
});

/**
 * A strategy configuration the engine cannot run; the message lists every problem. (The job
 * config a user submits is checked earlier, as `BACKTEST_CONFIG_INVALID` in apps/backtest.)
 */
export class BacktestConfigError extends RangeError {
  readonly code = "BACKTEST_STRATEGY_INVALID";
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid backtest configuration: ${problems.join("; ")}`);
    this.name = "BacktestConfigError";
    this.problems = problems;
  }
}

const between = (value: number, min: number, max: number) =>
  Number.isFinite(value) && value >= min && value <= max;

/**
 * Defaults filled in and every field checked (the job boundary validates earlier with zod; this is
 * the core's own guard).
 *
 * @example
 * resolveBacktestConfig({ minScore: 70, stopLoss: 0.05 }).maxPositions; // 10
 * @throws BacktestConfigError listing every invalid field.
 */
export function resolveBacktestConfig(partial: Partial<BacktestConfig> = {}): BacktestConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const config: BacktestConfig = { ...DEFAULT_BACKTEST_CONFIG, ...defined };
  const problems: string[] = [];
  const entryTypes = ENTRY_SIGNAL_TYPES as readonly string[];
  if (config.entrySignals.length === 0) problems.push("entrySignals: at least one signal type");
  for (const type of config.entrySignals) {
    if (!(SIGNAL_TYPES as readonly string[]).includes(type))
      problems.push(`entrySignals: unknown type ${type}`);
    else if (!entryTypes.includes(type)) problems.push(`entrySignals: ${type} is never bullish (long only)`);
  }
  if (!between(config.minScore, 0, 100)) problems.push("minScore: from 0 to 100");
  if (!between(config.minConfidence, 0, 1)) problems.push("minConfidence: from 0 to 1");
  if (!(config.initialCapital > 0 && Number.isFinite(config.initialCapital)))
    problems.push("initialCapital: a positive amount of VND");
  if (!(config.positionFraction > 0 && config.positionFraction <= 1))
    problems.push("positionFraction: in (0, 1]");
  if (!(Number.isInteger(config.maxPositions) && config.maxPositions >= 1))
    problems.push("maxPositions: a whole number >= 1");
  for (const key of ["stopLoss", "trailingStop"] as const) {
    const value = config[key];
    if (value !== null && !(value > 0 && value < 1)) problems.push(`${key}: in (0, 1) or null`);
  }
  if (config.takeProfit !== null && !(config.takeProfit > 0 && Number.isFinite(config.takeProfit)))
    problems.push("takeProfit: > 0 or null");
  if (config.maxHoldDays !== null && !(Number.isInteger(config.maxHoldDays) && config.maxHoldDays >= 1))
    problems.push("maxHoldDays: a whole number >= 1 or null");
  if (!between(config.exitMinScore, 0, 100)) problems.push("exitMinScore: from 0 to 100");
  if (!between(config.brokerageRate, 0, 0.1)) problems.push("brokerageRate: from 0 to 0.1");
  if (!(Number.isInteger(config.slippageTicks) && config.slippageTicks >= 0 && config.slippageTicks <= 100))
    problems.push("slippageTicks: a whole number from 0 to 100");
  if (!(Number.isInteger(config.settlementDays) && config.settlementDays >= 0 && config.settlementDays <= 10))
    problems.push("settlementDays: a whole number from 0 to 10");
  if (typeof config.exitAtSessionEnd !== "boolean") problems.push("exitAtSessionEnd: true or false");
  if (typeof config.hnxPostClose !== "boolean") problems.push("hnxPostClose: true or false");
  problems.push(...futuresMarginProblems(config.futuresMargin, config.futuresForcedCloseUsage));
  if (problems.length > 0) throw new BacktestConfigError(problems);
  return Object.freeze({ ...config, entrySignals: Object.freeze([...new Set(config.entrySignals)]) });
}

/**
 * What is wrong with a margin for VN30 futures and its forced-close level, as "key: problem"
 * lines (none: fine). Shared with the job boundary (apps/backtest) so both say the same.
 *
 * @example
 * futuresMarginProblems(0.2, 0.9);  // ["futuresMargin: from 0.2125 (…) to 1, or null"]
 * futuresMarginProblems(0.25, 0.6); // ["futuresForcedCloseUsage: above the usage at the entry (0.680 …) …"]
 */
export function futuresMarginProblems(margin: number | null, forcedCloseUsage: number): string[] {
  const problems: string[] = [];
  if (margin !== null && !between(margin, INDEX_FUTURE_MIN_DEPOSIT_RATE, 1))
    problems.push(
      `futuresMargin: from ${INDEX_FUTURE_MIN_DEPOSIT_RATE} (VSDC's initial margin ${INDEX_FUTURE_INITIAL_MARGIN_RATE} at 80 % usage) to 1, or null`,
    );
  if (!(forcedCloseUsage > 0 && forcedCloseUsage <= 2)) problems.push("futuresForcedCloseUsage: in (0, 2]");
  else if (margin !== null && problems.length === 0) {
    const usageAtEntry = INDEX_FUTURE_INITIAL_MARGIN_RATE / margin;
    if (usageAtEntry >= forcedCloseUsage)
      problems.push(
        `futuresForcedCloseUsage: above the usage at the entry (${usageAtEntry.toFixed(3)} with futuresMargin ${margin}), or every position is closed at once`,
      );
  }
  return problems;
}
