import type { BarColumns } from "../bar.ts";
import type { Exchange } from "../market/exchange.ts";
import { isIndexFuture } from "../market/index-futures.ts";
import type { Bias } from "../signal-type.ts";
import { countBarsThrough } from "./bar-search.ts";
import type { BootstrapOptions } from "./bootstrap-interval.ts";
import { type OutcomeGroupSummary, summarizeOutcomeGroup } from "./outcome-group-summary.ts";
import { type ReliabilityRow, reliabilityTable } from "./reliability-table.ts";
import { type RoundTripCosts, roundTripCosts, roundTripCostsOf } from "./round-trip-costs.ts";
import {
  netReturnAfter,
  type OutcomeSeries,
  type SignalOutcome,
  type TrackedSignal,
  trackSignals,
} from "./signal-outcomes.ts";
import {
  compareGroupKeys,
  groupKeyOf,
  TRACK_RECORD_DIMENSIONS,
  type TrackRecordDimension,
} from "./track-record-dimensions.ts";
import { checkHorizons, TRACK_RECORD_HORIZONS } from "./track-record-horizons.ts";

/**
 * The seed the product uses (`vpa study`, the stored track record) unless told otherwise: any
 * fixed number will do; what matters is that it is the same everywhere.
 */
export const DEFAULT_TRACK_RECORD_SEED = 12;

/** One symbol's bars (thousand VND, daily, oldest first) and the signals read from them. */
export interface TrackRecordInput {
  readonly symbol: string;
  readonly exchange: Exchange | null;
  readonly columns: BarColumns;
  readonly signals: readonly TrackedSignal[];
}

export interface TrackRecordOptions extends BootstrapOptions {
  /** Seeds the chance draws and the bootstrap: the same seed, the same figures. */
  readonly seed: number;
  /** @defaultValue {@link TRACK_RECORD_HORIZONS} (1, 5, 10, 20) */
  readonly horizons?: readonly number[];
  /** Brokerage per side; the 0.1% sell tax is always added. @defaultValue 0.0015 */
  readonly brokerageRate?: number;
  /** Only signals dated on or after this day. */
  readonly from?: string;
  /**
   * The track record as it stood at the close of this day: signals up to it, and no bar after it
   * is used (a horizon that ends later is pending). Default: the newest bar of all inputs.
   */
  readonly to?: string;
  /** Groups smaller than this get the verdict `too-few`. @defaultValue 30 */
  readonly minimumCount?: number;
}

/** One symbol placed for the track record: its series (cut at `to`) and its signals' outcomes. */
export interface TrackedSymbol {
  readonly series: OutcomeSeries & { readonly length: number };
  readonly outcomes: readonly SignalOutcome[];
}

/** Every symbol's outcomes, as of one date. */
export interface TrackedUniverse {
  readonly asOf: string;
  readonly symbols: readonly TrackedSymbol[];
}

/** One group at one horizon: the signals' figures against chance's. */
export interface TrackRecordGroup extends OutcomeGroupSummary {
  readonly dimension: TrackRecordDimension;
  readonly key: string;
  readonly bias: Bias;
  readonly horizon: number;
  /** Signals of the group whose bar t+h does not exist yet: in no figure. */
  readonly pending: number;
  /** Final signals whose chance entry is not final (its date or its own t+h still to come, or none). */
  readonly chancePending: number;
}

export interface TrackRecord {
  readonly asOf: string;
  readonly from: string | null;
  readonly seed: number;
  readonly horizons: readonly number[];
  readonly brokerageRate: number;
  readonly symbolCount: number;
  readonly signalCount: number;
  readonly chanceDraws: { readonly drawn: number; readonly waiting: number; readonly none: number };
  /** Every dimension × key × bias × horizon with at least one signal, in dimension and key order. */
  readonly groups: readonly TrackRecordGroup[];
  /** Confidence bands against the hit rate, per horizon (both biases together). */
  readonly reliability: readonly ReliabilityRow[];
}

/**
 * Places every symbol's signals (those dated in [from, to]) and draws their chance bars.
 * Bars after `to` are cut off. The expensive part of a study that does not depend on the horizons.
 */
export function trackUniverse(
  inputs: readonly TrackRecordInput[],
  options: Pick<TrackRecordOptions, "seed" | "from" | "to">,
): TrackedUniverse {
  const to = options.to;
  let asOf = "";
  const lengths = inputs.map((input) => {
    const times = input.columns.time;
    const length = to === undefined ? times.length : countBarsThrough(times, times.length, to);
    const newest = times[length - 1];
    if (newest !== undefined && newest > asOf) asOf = newest;
    return length;
  });
  if (to !== undefined && to > asOf) asOf = to;
  const symbols = inputs.map((input, i): TrackedSymbol => {
    const series = {
      symbol: input.symbol,
      exchange: input.exchange,
      columns: input.columns,
      length: lengths[i]!,
    };
    const newest = input.columns.time[series.length - 1] ?? "";
    const signals = input.signals.filter(
      (s) => (options.from === undefined || s.time >= options.from) && s.time <= newest,
    );
    return { series, outcomes: trackSignals(series, signals, { seed: options.seed, asOf }) };
  });
  return { asOf, symbols };
}

interface GroupSlot {
  readonly dimension: TrackRecordDimension;
  readonly key: string;
  readonly bias: Bias;
}

/**
 * The track record of a placed universe: each group's figures at each horizon against chance,
 * and the reliability table. Figures use only final outcomes (a signal whose t+h bar exists).
 */
export function summarizeTrackRecord(
  universe: TrackedUniverse,
  options: Omit<TrackRecordOptions, "to">,
): TrackRecord {
  const horizons = checkHorizons(options.horizons ?? TRACK_RECORD_HORIZONS);
  const costs = roundTripCosts(options.brokerageRate);
  const outcomes: SignalOutcome[] = [];
  const owners: TrackedSymbol[] = [];
  // Each outcome's round trip: a VN30 future's per-contract costs, every stock's the one set.
  const costsOfOutcome: RoundTripCosts[] = [];
  for (const symbol of universe.symbols) {
    const first = symbol.outcomes[0];
    const own =
      first !== undefined && isIndexFuture(first.symbol)
        ? roundTripCostsOf(first.symbol, options.brokerageRate)
        : costs;
    for (const outcome of symbol.outcomes) {
      outcomes.push(outcome);
      owners.push(symbol);
      costsOfOutcome.push(own);
    }
  }
  const n = outcomes.length;
  // Net returns per horizon, NaN while not final: computed once, read by every dimension.
  const returns = horizons.map(() => new Float64Array(n));
  const chanceReturns = horizons.map(() => new Float64Array(n));
  const chanceDraws = { drawn: 0, waiting: 0, none: 0 };
  for (let i = 0; i < n; i++) {
    const o = outcomes[i]!;
    const { columns, length } = owners[i]!.series;
    const chanceBar = o.chance.status === "drawn" ? o.chance.bar : -1;
    chanceDraws[o.chance.status]++;
    const own = costsOfOutcome[i]!;
    for (let h = 0; h < horizons.length; h++) {
      returns[h]![i] = netReturnAfter(columns, length, o.bar, horizons[h]!, own);
      chanceReturns[h]![i] = netReturnAfter(columns, length, chanceBar, horizons[h]!, own);
    }
  }

  const groups: TrackRecordGroup[] = [];
  const signalBuffer = new Float64Array(n);
  const chanceBuffer = new Float64Array(n);
  for (const dimension of TRACK_RECORD_DIMENSIONS) {
    // Slot = key index × 2 + bias (0 bull, 1 bear): no string built per signal.
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    const slotIds = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const o = outcomes[i]!;
      const key = groupKeyOf(o, dimension);
      let k = keyIndex.get(key);
      if (k === undefined) {
        k = keys.length;
        keys.push(key);
        keyIndex.set(key, k);
      }
      slotIds[i] = k * 2 + (o.signal.bias === "bull" ? 0 : 1);
    }
    const slots: GroupSlot[] = keys.flatMap((key) => [
      { dimension, key, bias: "bull" as const },
      { dimension, key, bias: "bear" as const },
    ]);
    // Members of each slot, contiguous (a counting sort): each group reads only its own signals.
    const start = new Int32Array(slots.length + 1);
    for (let i = 0; i < n; i++) start[slotIds[i]! + 1]!++;
    for (let s = 0; s < slots.length; s++) start[s + 1]! += start[s]!;
    const members = new Int32Array(n);
    const fill = start.slice(0, slots.length);
    for (let i = 0; i < n; i++) members[fill[slotIds[i]!]!++] = i;
    const order = slots
      .map((_, i) => i)
      .sort(
        (a, b) =>
          compareGroupKeys(dimension, slots[a]!.key, slots[b]!.key) ||
          (slots[a]!.bias === slots[b]!.bias ? 0 : slots[a]!.bias === "bull" ? -1 : 1),
      );
    for (const slot of order) {
      const group = slots[slot]!;
      if (start[slot] === start[slot + 1]) continue;
      for (let h = 0; h < horizons.length; h++) {
        const horizon = horizons[h]!;
        const signalReturns = returns[h]!;
        const chance = chanceReturns[h]!;
        let count = 0;
        let chanceCount = 0;
        let pending = 0;
        let chancePending = 0;
        for (let m = start[slot]!; m < start[slot + 1]!; m++) {
          const i = members[m]!;
          const r = signalReturns[i]!;
          if (Number.isNaN(r)) {
            pending++;
            continue;
          }
          signalBuffer[count++] = r;
          const c = chance[i]!;
          if (Number.isNaN(c)) chancePending++;
          else chanceBuffer[chanceCount++] = c;
        }
        const summary = summarizeOutcomeGroup(
          group.bias,
          signalBuffer.subarray(0, count),
          chanceBuffer.subarray(0, chanceCount),
          { ...options, key: `${dimension}|${group.key}|${group.bias}|${horizon}` },
        );
        groups.push({
          dimension,
          key: group.key,
          bias: group.bias,
          horizon,
          ...summary,
          pending,
          chancePending,
        });
      }
    }
  }
  return {
    asOf: universe.asOf,
    from: options.from ?? null,
    seed: options.seed,
    horizons,
    brokerageRate: costs.brokerageRate,
    symbolCount: universe.symbols.length,
    signalCount: n,
    chanceDraws,
    groups,
    reliability: reliabilityTable(outcomes, horizons, returns, chanceReturns),
  };
}

/**
 * The track record of every signal of every symbol (the study): outcomes at each horizon, net of
 * Vietnamese costs, against a chance entry per signal, by type, score, confidence, trend, exchange,
 * liquidity and year, with the reliability table. See README.md in this folder for every rule.
 *
 * @example
 * const inputs = series.map((s) => ({ symbol: s.symbol, exchange: "HOSE", columns: s.columns,
 *   signals: analyzeColumns(s.symbol, s.columns).filter((r) => r.kind === "signal") }));
 * const record = computeTrackRecord(inputs, { seed: 1 });
 * record.groups.filter((g) => g.dimension === "type" && g.horizon === 5);
 */
export function computeTrackRecord(
  inputs: readonly TrackRecordInput[],
  options: TrackRecordOptions,
): TrackRecord {
  return summarizeTrackRecord(trackUniverse(inputs, options), options);
}
