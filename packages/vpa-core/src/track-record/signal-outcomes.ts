import type { BarColumns } from "../bar.ts";
import type { Exchange } from "../market/exchange.ts";
import { thousandVndToVnd } from "../market/price-unit.ts";
import type { Bias, SignalType } from "../signal-type.ts";
import type { Trend } from "../trend.ts";
import { AVERAGE_WINDOW, WARM_UP_BARS } from "../vpa-parameters.ts";
import { indexOfBarTime } from "./bar-search.ts";
import { type ChanceDraw, chanceKey, drawChanceBar } from "./chance-draw.ts";
import { netLongReturn, nightsBetween, type RoundTripCosts } from "./round-trip-costs.ts";
import { bandOf, LIQUIDITY_BANDS } from "./track-record-bands.ts";

/** The fields of a signal the track record reads: a `SignalRecord` has them, so does a stored signal. */
export interface TrackedSignal {
  readonly time: string;
  readonly type: SignalType;
  readonly bias: Bias;
  readonly score: number;
  readonly confidence: number;
  readonly features: { readonly trend: Trend };
}

/**
 * One symbol's daily bars (prices in **thousand VND**, times `YYYY-MM-DD`, strictly increasing) as
 * far as they are known. A slice of a longer history works too (the scanner's update loads only
 * what it needs): then give `eligibleFrom` from the whole history.
 */
export interface OutcomeSeries {
  readonly symbol: string;
  readonly exchange: Exchange | null;
  readonly columns: BarColumns;
  /** Only the first `length` bars exist (the rest is the future). Default: all of them. */
  readonly length?: number;
  /**
   * The first bar on which the analyser can read a signal: chance entries are drawn from there on.
   * Default: the bar at index {@link WARM_UP_BARS} of `columns`.
   */
  readonly eligibleFrom?: string;
}

/**
 * What is known of one signal's track record. Its outcomes at each horizon follow from `bar` and
 * the columns (see {@link tradeAfter}); nothing here changes when bars are appended except a
 * `waiting` chance draw, which appending can settle.
 */
export interface SignalOutcome {
  readonly symbol: string;
  readonly exchange: Exchange | null;
  readonly signal: TrackedSignal;
  /** Index of the signal's bar in the series' columns. */
  readonly bar: number;
  /** The signal's calendar year. */
  readonly year: number;
  /** Mean traded value (close × volume) of the 20 bars through the signal's, in VND per session. */
  readonly averageTradedValue: number;
  /** Key of its {@link LIQUIDITY_BANDS} band. */
  readonly liquidityBand: string;
  readonly chance: ChanceDraw;
}

/** A trade in at the open of the bar after `bar` and out at the close `horizon` bars after `bar`. */
export interface TradeOutcome {
  readonly entryTime: string;
  /** Thousand VND, as the data. */
  readonly entryPrice: number;
  readonly exitTime: string;
  readonly exitPrice: number;
  /** After brokerage on both sides and the sell tax. */
  readonly netReturn: number;
}

export interface TrackSignalsOptions {
  /** Seeds every chance draw (see `seedFor`). */
  readonly seed: number;
  /**
   * The newest date of the data (the market's, not only this symbol's): a weekday after it cannot
   * be judged by a chance draw yet. Default: the series' newest bar.
   */
  readonly asOf?: string;
  /**
   * Chance draws made before (by {@link chanceKey}), taken as they are instead of drawn again: a
   * made draw never changes, and a slice that starts after the first session of the signal's year
   * could not redraw it faithfully. A drawn date must be a bar of the series. A `waiting` draw is
   * kept while its date is after `asOf` (drawing again would stop at the same date) and drawn
   * again once the data reaches it: give the whole year's bars then.
   */
  readonly knownChance?: ReadonlyMap<string, KnownChance>;
}

/** A chance draw as stored: the drawn bar's date instead of its index in some slice. */
export type KnownChance =
  | { readonly status: "drawn"; readonly time: string }
  | { readonly status: "waiting"; readonly until: string }
  | { readonly status: "none" };

const DAILY = /^\d{4}-\d{2}-\d{2}$/;

/** Bars of the series that exist (`series.length` or all). */
export function knownLength(series: OutcomeSeries): number {
  const length = series.length ?? series.columns.time.length;
  if (length < 0 || length > series.columns.time.length)
    throw new RangeError(`${series.symbol}: length ${length} outside the ${series.columns.time.length} bars`);
  return length;
}

/** The first bar time a signal can be read on, or "~" (after every date) when there is none. */
function eligibleFromOf(series: OutcomeSeries): string {
  return series.eligibleFrom ?? series.columns.time[WARM_UP_BARS] ?? "~";
}

/** Mean close × volume of the bars `bar − 19 .. bar` (fewer at the start of the columns), in VND. */
export function averageTradedValue(columns: BarColumns, bar: number): number {
  const first = Math.max(0, bar - AVERAGE_WINDOW + 1);
  let sum = 0;
  for (let i = first; i <= bar; i++) sum += columns.close[i]! * columns.volume[i]!;
  return thousandVndToVnd(sum / (bar - first + 1));
}

/**
 * Places each signal on its series and draws its chance bar. Signals must be bars of the series
 * (same date), within its first `length` bars; the order of `signals` is kept.
 *
 * @throws RangeError for a signal whose date is not a bar of the series, or a time that is not a
 *   `YYYY-MM-DD` date (the track record is for daily bars).
 */
export function trackSignals(
  series: OutcomeSeries,
  signals: readonly TrackedSignal[],
  options: TrackSignalsOptions,
): SignalOutcome[] {
  const { columns, symbol } = series;
  const length = knownLength(series);
  const newest = columns.time[length - 1];
  const asOf = options.asOf ?? newest ?? "";
  if (newest !== undefined && asOf < newest)
    throw new RangeError(`${symbol}: asOf ${asOf} is before the newest bar ${newest}`);
  const eligibleFrom = eligibleFromOf(series);
  const outcomes: SignalOutcome[] = [];
  for (const signal of signals) {
    if (!DAILY.test(signal.time))
      throw new RangeError(`${symbol}: signal time ${signal.time} is not YYYY-MM-DD (daily bars only)`);
    const bar = indexOfBarTime(columns.time, length, signal.time);
    if (bar < 0) throw new RangeError(`${symbol}: no bar at the signal's date ${signal.time}`);
    const year = Number(signal.time.slice(0, 4));
    const value = averageTradedValue(columns, bar);
    const key = chanceKey(symbol, signal.time, signal.type);
    const known = options.knownChance?.get(key);
    let chance: ChanceDraw;
    if (known?.status === "drawn") {
      const knownBar = indexOfBarTime(columns.time, length, known.time);
      if (knownBar < 0)
        throw new RangeError(
          `${symbol}: the chance bar ${known.time} of ${signal.time} ${signal.type} is not in the series`,
        );
      chance = { status: "drawn", bar: knownBar, time: known.time };
    } else if (known?.status === "none" || (known?.status === "waiting" && known.until > asOf)) {
      chance = known;
    } else {
      chance = drawChanceBar({
        times: columns.time,
        length,
        key,
        seed: options.seed,
        year,
        eligibleFrom,
        asOf,
      });
    }
    outcomes.push({
      symbol,
      exchange: series.exchange,
      signal,
      bar,
      year,
      averageTradedValue: value,
      liquidityBand: bandOf(LIQUIDITY_BANDS, value).key,
      chance,
    });
  }
  return outcomes;
}

/**
 * The net return of the trade after `bar` at `horizon` (in at `open[bar + 1]`, out at
 * `close[bar + horizon]`), or NaN while bar `bar + horizon` does not exist: a figure is final
 * only once its horizon has passed. No allocation (the aggregation's inner loop).
 */
export function netReturnAfter(
  columns: BarColumns,
  length: number,
  bar: number,
  horizon: number,
  costs: RoundTripCosts,
): number {
  if (bar < 0 || bar + horizon >= length) return Number.NaN;
  return netLongReturn(
    columns.open[bar + 1]!,
    columns.close[bar + horizon]!,
    costs,
    nightsHeld(columns, bar, horizon, costs),
  );
}

/** Nights the trade after `bar` is held to `horizon`: counted only when they cost something (futures). */
function nightsHeld(columns: BarColumns, bar: number, horizon: number, costs: RoundTripCosts): number {
  return (costs.perNight ?? 0) > 0 ? nightsBetween(columns.time, bar + 1, bar + horizon) : 0;
}

/** The trade after `bar` at `horizon` with its dates and prices, or null while it is not final. */
export function tradeAfter(
  columns: BarColumns,
  length: number,
  bar: number,
  horizon: number,
  costs: RoundTripCosts,
): TradeOutcome | null {
  if (bar < 0 || bar + horizon >= length) return null;
  const entryPrice = columns.open[bar + 1]!;
  const exitPrice = columns.close[bar + horizon]!;
  return {
    entryTime: columns.time[bar + 1]!,
    entryPrice,
    exitTime: columns.time[bar + horizon]!,
    exitPrice,
    netReturn: netLongReturn(entryPrice, exitPrice, costs, nightsHeld(columns, bar, horizon, costs)),
  };
}

/**
 * A hit is a move the signal's way: a bull signal's long return above 0, a bear signal's below 0.
 * The return is net of costs, which tilts bear signals towards hits and bull signals away from
 * them; chance is measured the same way, so compare a hit rate with chance's, not with 50%.
 */
export function isHit(bias: Bias, netReturn: number): boolean {
  return bias === "bull" ? netReturn > 0 : netReturn < 0;
}

/**
 * One (signal, horizon) of the track record: the row the database keeps. `outcome` is null until
 * bar t+h exists; the chance side settles on its own (it may wait for a date, or for its own t+h).
 */
export interface OutcomeRow {
  readonly symbol: string;
  readonly signalTime: string;
  readonly signalType: SignalType;
  readonly bias: Bias;
  readonly horizon: number;
  readonly averageTradedValue: number;
  readonly liquidityBand: string;
  readonly outcome: TradeOutcome | null;
  readonly hit: boolean | null;
  readonly chance: ChanceDraw;
  readonly chanceOutcome: TradeOutcome | null;
  readonly chanceHit: boolean | null;
}

/** The rows of `outcomes` (from {@link trackSignals} on the same series) at each horizon. */
export function outcomeRows(
  series: OutcomeSeries,
  outcomes: readonly SignalOutcome[],
  horizons: readonly number[],
  costs: RoundTripCosts,
): OutcomeRow[] {
  const length = knownLength(series);
  const rows: OutcomeRow[] = [];
  for (const o of outcomes) {
    const chanceBar = o.chance.status === "drawn" ? o.chance.bar : -1;
    for (const horizon of horizons) {
      const outcome = tradeAfter(series.columns, length, o.bar, horizon, costs);
      const chanceOutcome = tradeAfter(series.columns, length, chanceBar, horizon, costs);
      rows.push({
        symbol: o.symbol,
        signalTime: o.signal.time,
        signalType: o.signal.type,
        bias: o.signal.bias,
        horizon,
        averageTradedValue: o.averageTradedValue,
        liquidityBand: o.liquidityBand,
        outcome,
        hit: outcome === null ? null : isHit(o.signal.bias, outcome.netReturn),
        chance: o.chance,
        chanceOutcome,
        chanceHit: chanceOutcome === null ? null : isHit(o.signal.bias, chanceOutcome.netReturn),
      });
    }
  }
  return rows;
}
