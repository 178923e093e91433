import type { ChartBar } from "./render-chart-svg.ts";

/** Bars before the signal that make its support and resistance. */
export const SUPPORT_RESISTANCE_LOOKBACK = 20;

/**
 * Support (lowest low) and resistance (highest high) of the `lookback` bars before the signal bar,
 * the signal bar itself left out: the levels the signal bar tested or broke. Fewer bars before it
 * give levels over what there is; none gives nulls.
 *
 * @example
 * supportAndResistance(bars, 59); // { support: 21.5, resistance: 25.3 } from bars 39..58
 */
export function supportAndResistance(
  bars: readonly ChartBar[],
  signalIndex: number,
  lookback: number = SUPPORT_RESISTANCE_LOOKBACK,
): { support: number | null; resistance: number | null } {
  const before = bars.slice(Math.max(0, signalIndex - lookback), Math.max(0, signalIndex));
  const lows = before.map((bar) => bar.low).filter(Number.isFinite);
  const highs = before.map((bar) => bar.high).filter(Number.isFinite);
  return {
    support: lows.length === 0 ? null : Math.min(...lows),
    resistance: highs.length === 0 ? null : Math.max(...highs),
  };
}
