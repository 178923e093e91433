/**
 * From a stored signal and its bars to what the chart draws and says: the pure step between
 * loadChartBars (packages/db) and renderChartSvg.
 *
 * One chart per signal, shared by every subscriber whatever their language: the title is
 * symbols, codes and a date; the signal's name is written in English and Vietnamese.
 */
import type { SignalView } from "@vpa/db";
import { describeSignalType } from "../render/signal-label.ts";
import type { ChartBar, ChartInput } from "./render-chart-svg.ts";
import { SUPPORT_RESISTANCE_LOOKBACK, supportAndResistance } from "./support-resistance.ts";

/** The facts of a signal the chart shows (a subset of db's SignalView). */
export type ChartedSignal = Pick<
  SignalView,
  "symbol" | "exchange" | "timeframe" | "time" | "type" | "variant" | "bias" | "score"
>;

const ARROWS = { bull: "▲", bear: "▼" } as const;

/**
 * The chart of `signal` over `bars` (oldest first, as loadChartBars returns them) and its
 * description for readers who do not see images; null when the signal's own bar is not among the
 * bars (deleted since), so there is nothing to mark.
 *
 * @example
 * const chart = alertChartInput(signal, await loadChartBars(db, signal.id));
 * chart?.input.title; // "VCB · HOSE · 1D · 2020-03-23"
 * @throws UnknownSignalTypeError for a type vpa-core's registry does not define.
 */
export function alertChartInput(
  signal: ChartedSignal,
  bars: readonly ChartBar[],
): { input: ChartInput; alt: string } | null {
  const signalIndex = bars.findLastIndex((bar) => bar.time === signal.time);
  if (signalIndex === -1) return null;
  const levels = supportAndResistance(bars, signalIndex);
  const english = describeSignalType(signal.type, signal.variant, "en");
  const vietnamese = describeSignalType(signal.type, signal.variant, "vi");
  const label = vietnamese === english ? english : `${english} · ${vietnamese}`;
  const time = formatChartTime(signal.time);
  const title = [signal.symbol, signal.exchange, signal.timeframe, time]
    .filter((part) => part !== null && part !== "")
    .join(" · ");
  const input: ChartInput = {
    bars,
    signalIndex,
    ...levels,
    bias: signal.bias,
    title,
    subtitle: `${label} ${ARROWS[signal.bias]} ${signal.bias} · score ${Math.round(signal.score)}`,
  };
  const levelsText =
    levels.support === null || levels.resistance === null
      ? ""
      : `; support ${levels.support.toFixed(2)} and resistance ${levels.resistance.toFixed(2)} thousand VND over the ${SUPPORT_RESISTANCE_LOOKBACK} bars before it`;
  const alt =
    `Chart of ${signal.symbol} (${signal.timeframe}): the last ${bars.length} bars to ${time}, candles over volume; ` +
    `the ${english} bar (${signal.bias}) is marked${levelsText}.`;
  return { input, alt };
}

/** `2020-03-23` stays; an intraday bar `2024-01-02T09:15:00+07:00` becomes `2024-01-02 09:15`. */
function formatChartTime(time: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(time) ? `${time.slice(0, 10)} ${time.slice(11, 16)}` : time;
}
