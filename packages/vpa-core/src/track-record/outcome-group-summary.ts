import type { Bias } from "../signal-type.ts";
import {
  type BootstrapOptions,
  bootstrapIntervals,
  type ConfidenceInterval,
  DEFAULT_EXACT_BOOTSTRAP_LIMIT,
} from "./bootstrap-interval.ts";
import { medianOf } from "./median-of.ts";
import { seedFor } from "./seeded-random.ts";

/** Count, hits and the centre of a sample of net returns. Rates and centres are null when empty. */
export interface OutcomeSummary {
  readonly count: number;
  /** Returns the signal's way: > 0 for bull, < 0 for bear (see `isHit`). */
  readonly hits: number;
  readonly hitRate: number | null;
  readonly mean: number | null;
  readonly median: number | null;
}

export interface SignalSummary extends OutcomeSummary {
  /** 95% interval of the mean; null below 2 signals. */
  readonly interval: ConfidenceInterval | null;
}

/** The signals' figures minus chance's. */
export interface EdgeOverChance {
  readonly hitRate: number | null;
  readonly mean: number | null;
  /** 95% interval of `mean(signals) − mean(chance)`. */
  readonly interval: ConfidenceInterval | null;
}

/**
 * - `edge`: the interval of the edge lies wholly on the signal's side of 0 (above for bull, below
 *   for bear): chance alone would rarely give this.
 * - `no-edge`: the interval includes 0: the signal did no better than a random day in the same
 *   stocks and years.
 * - `worse-than-chance`: wholly on the other side.
 * - `too-few`: fewer than `minimumCount` signals or chance entries.
 */
export const EDGE_VERDICTS = ["edge", "no-edge", "worse-than-chance", "too-few"] as const;
export type EdgeVerdict = (typeof EDGE_VERDICTS)[number];

export interface OutcomeGroupSummary {
  readonly signals: SignalSummary;
  readonly chance: OutcomeSummary;
  readonly edge: EdgeOverChance;
  readonly verdict: EdgeVerdict;
}

/** Fewer signals (or chance entries) than this in a group: no verdict. */
export const DEFAULT_MINIMUM_COUNT = 30;

export interface SummarizeGroupOptions extends BootstrapOptions {
  /** The caller's seed; the group's own generator is seeded with `seedFor(seed, key)`. */
  readonly seed: number;
  /** Names the group (e.g. `type|SPRING|bull|5`): the same group gets the same interval anywhere. */
  readonly key: string;
  /** @defaultValue 30 */
  readonly minimumCount?: number;
}

/**
 * Summary of a sample. Samples up to `sortLimit` values are sorted ascending in place (the order
 * the bootstrap resamples from, so that it does not depend on the order the returns came in);
 * larger ones only get their median selected (they take the normal interval, which needs no order).
 */
function summarize(bias: Bias, values: Float64Array, sortLimit: number): OutcomeSummary {
  const count = values.length;
  if (count === 0) return { count, hits: 0, hitRate: null, mean: null, median: null };
  const sorted = count <= sortLimit;
  if (sorted) values.sort();
  let sum = 0;
  let hits = 0;
  for (let i = 0; i < count; i++) {
    const r = values[i]!;
    sum += r;
    if (bias === "bull" ? r > 0 : r < 0) hits++;
  }
  const middle = count >> 1;
  const median = !sorted
    ? medianOf(values)
    : count % 2 === 1
      ? values[middle]!
      : (values[middle - 1]! + values[middle]!) / 2;
  return { count, hits, hitRate: hits / count, mean: sum / count, median };
}

function verdictOf(
  bias: Bias,
  interval: ConfidenceInterval | null,
  signals: number,
  chance: number,
  minimumCount: number,
): EdgeVerdict {
  if (interval === null || signals < minimumCount || chance < minimumCount) return "too-few";
  const ours = bias === "bull" ? interval.low > 0 : interval.high < 0;
  const theirs = bias === "bull" ? interval.high < 0 : interval.low > 0;
  return ours ? "edge" : theirs ? "worse-than-chance" : "no-edge";
}

/**
 * Summarises one group: the signals' net returns at one horizon against their chance entries'.
 * Both arrays are **reordered in place** (small ones sorted ascending), which makes the result
 * independent of the order the returns came in: the same returns and seed give the same figures
 * in the batch study, the incremental update and a database read (to the last bits of a sum's
 * rounding for samples above `exactLimit`).
 *
 * @example
 * summarizeOutcomeGroup("bull", Float64Array.from(springReturns), Float64Array.from(chanceReturns),
 *   { seed: 1, key: "type|SPRING|bull|5" }).verdict; // "no-edge"
 */
export function summarizeOutcomeGroup(
  bias: Bias,
  signalReturns: Float64Array,
  chanceReturns: Float64Array,
  options: SummarizeGroupOptions,
): OutcomeGroupSummary {
  const sortLimit = options.exactLimit ?? DEFAULT_EXACT_BOOTSTRAP_LIMIT;
  const signals = summarize(bias, signalReturns, sortLimit);
  const chance = summarize(bias, chanceReturns, sortLimit);
  const intervals = bootstrapIntervals(
    signalReturns,
    chanceReturns,
    seedFor(options.seed, `bootstrap|${options.key}`),
    options,
  );
  const interval = intervals.mean;
  const edgeInterval = intervals.difference;
  const edge: EdgeOverChance = {
    hitRate: signals.hitRate === null || chance.hitRate === null ? null : signals.hitRate - chance.hitRate,
    mean: signals.mean === null || chance.mean === null ? null : signals.mean - chance.mean,
    interval: edgeInterval,
  };
  return {
    signals: { ...signals, interval },
    chance,
    edge,
    verdict: verdictOf(
      bias,
      edgeInterval,
      signals.count,
      chance.count,
      options.minimumCount ?? DEFAULT_MINIMUM_COUNT,
    ),
  };
}
