import type { Trend } from "../trend.ts";

/**
 * Everything the signal rules read at bar t (vpa-signals.md §2), computed from bars <= t only.
 * Windows that the spec writes as `t-N .. t-1` exclude the current bar.
 */
export interface BarFeatures {
  /** Bar index t, counting from 0. */
  readonly index: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** `high - low`. */
  readonly spread: number;
  readonly previousClose: number;
  readonly previousHigh: number;
  readonly previousLow: number;
  readonly previousVolume: number;
  /** volume[t-2]. */
  readonly volumeTwoBarsBack: number;
  /** mean(volume[t-20 .. t-1]). */
  readonly averageVolume: number;
  /** mean(spread[t-20 .. t-1]). */
  readonly averageSpread: number;
  /**
   * volume / averageVolume; NaN ("undefined", v1.1) when averageVolume is 0. Every comparison
   * with NaN is false, so a gate that tests vr cannot hold; write gates as `vr >= a`, never `!(vr < a)`.
   */
  readonly vr: number;
  /** spread / averageSpread; NaN ("undefined", v1.1) when averageSpread is 0, as for vr. */
  readonly sr: number;
  /** Close location in the bar's range; 0.5 for a degenerate bar. */
  readonly cl: number;
  /** `high == low`. */
  readonly degenerate: boolean;
  /** Wilder ATR(14) at t-1. */
  readonly atr: number;
  readonly trend: Trend;
  /** 20-bar low: min(low[t-20 .. t-1]). */
  readonly support: number;
  /** 20-bar high: max(high[t-20 .. t-1]). */
  readonly resistance: number;
  /** min(low[t-4 .. t-1]) for STOPPING_VOLUME. */
  readonly recentLow: number;
  /** A bull signal other than TEST was emitted in bars t-20 .. t-1 (the TEST precondition). */
  readonly recentBullSetup: boolean;
}

/** close[t] > close[t-1]. */
export function isUpBar(f: BarFeatures): boolean {
  return f.close > f.previousClose;
}

/** close[t] < close[t-1]. Equal closes are neither up nor down. */
export function isDownBar(f: BarFeatures): boolean {
  return f.close < f.previousClose;
}

/** `lowVs2`: volume below each of the two previous bars. */
export function hasLowerVolumeThanPreviousTwo(f: BarFeatures): boolean {
  return f.volume < f.previousVolume && f.volume < f.volumeTwoBarsBack;
}
