/**
 * Trend of a bar (vpa-signals.md §2): the 10-bar move of SMA10 measured in ATRs.
 *
 * @example
 * classifyTrend(-1.2, 2); // "down": (−1.2 / 2) = −0.6 < −0.5
 */
export type Trend = "up" | "down" | "flat";

/** `|Δsma10 / atr|` must exceed this for a trend to be `up` or `down` (strictly). */
export const TREND_THRESHOLD = 0.5;

/**
 * Classifies `(sma10[t-1] - sma10[t-11]) / atr`. A zero (or not yet defined) ATR gives `flat`,
 * as the spec says, instead of ±Infinity/NaN.
 */
export function classifyTrend(smaChange: number, atr: number): Trend {
  if (!(atr > 0)) return "flat";
  const strength = smaChange / atr;
  if (strength > TREND_THRESHOLD) return "up";
  if (strength < -TREND_THRESHOLD) return "down";
  return "flat";
}
