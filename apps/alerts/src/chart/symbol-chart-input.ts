/**
 * The bot's /chart: the chart of a symbol's newest bars, drawn like an alert's chart. The newest
 * stored signal among the bars is the marked bar (the same drawing as that alert's when it is the
 * last bar); with no signal among them the last bar is marked, and the subtitle says there is none.
 *
 * Pure, like alertChartInput: the same bars and signal always give the same input.
 */
import { alertChartInput, type ChartedSignal } from "./alert-chart-input.ts";
import type { ChartBar, ChartInput } from "./render-chart-svg.ts";
import { supportAndResistance } from "./support-resistance.ts";

export interface SymbolChartSubject {
  readonly symbol: string;
  readonly exchange: string | null;
  /** Oldest first, at least one. */
  readonly bars: readonly ChartBar[];
  /** The newest stored signal dated at one of `bars`, or null. */
  readonly signal: ChartedSignal | null;
}

/**
 * @example
 * symbolChartInput({ symbol: "VCB", exchange: "HOSE", bars, signal: null })?.input.subtitle;
 * // "No signal in the last 60 bars · last close 61.20"
 * @returns null when there are no bars.
 */
export function symbolChartInput(subject: SymbolChartSubject): { input: ChartInput; alt: string } | null {
  const { bars } = subject;
  const last = bars.at(-1);
  if (last === undefined) return null;
  const title = [subject.symbol, subject.exchange, "1D", last.time]
    .filter((part) => part !== null && part !== "")
    .join(" · ");
  const marked = subject.signal === null ? null : alertChartInput(subject.signal, bars);
  if (marked !== null && subject.signal !== null) {
    const onLastBar = subject.signal.time === last.time;
    return {
      input: {
        ...marked.input,
        title,
        subtitle: onLastBar ? marked.input.subtitle : `${marked.input.subtitle} · ${subject.signal.time}`,
      },
      alt: marked.alt,
    };
  }
  const signalIndex = bars.length - 1;
  return {
    input: {
      bars,
      signalIndex,
      ...supportAndResistance(bars, signalIndex),
      bias: last.close >= last.open ? "bull" : "bear",
      title,
      subtitle: `No signal in the last ${bars.length} bars · last close ${last.close.toFixed(2)}`,
    },
    alt: `Chart of ${subject.symbol} (1D): the last ${bars.length} bars to ${last.time}, candles over volume; no signal among them.`,
  };
}
