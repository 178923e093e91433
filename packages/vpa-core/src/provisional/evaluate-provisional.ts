import type { StreamingAnalyzer } from "../analysis/streaming-analyzer.ts";
import type { Bar } from "../bar.ts";
import type { TradingSession } from "../market/trading-sessions.ts";
import { continuousElapsedFraction } from "./continuous-elapsed-fraction.ts";
import { PROVISIONAL_MIN_ELAPSED_FRACTION } from "./provisional-parameters.ts";
import type { ProvisionalRecord } from "./provisional-record.ts";
import type { TimeOfDayVolume } from "./time-of-day-volume.ts";

export interface FormingBarClock {
  /** End of the forming bar (excluded), epoch ms; its start is `Date.parse(bar.time)`. */
  readonly barEndMs: number;
  /** Market time of the evaluation, epoch ms. */
  readonly nowMs: number;
  /** The symbol's session table (its exchange's, or DERIVATIVES_SESSIONS for futures). */
  readonly sessions: readonly TradingSession[];
}

/**
 * The provisional signals of a forming bar (vpa-signals.md §10): its volume so far projected to
 * the whole bar by the continuous trading time elapsed, judged against the same time of day's
 * average, then every gate, score and confidence evaluated as at a close by `analyzer.preview`.
 * Empty before a third of the bar, during an auction, or when nothing would fire. Pure and O(1);
 * neither the analyzer nor the time-of-day average changes.
 *
 * @example
 * const provisional = evaluateProvisional(analyzer, timeOfDay, formingBar, {
 *   barEndMs, nowMs: clock(), sessions: market.DEFAULT_TRADING_SESSIONS.HOSE,
 * });
 * for (const p of provisional) notifyLiveSubscribers(p); // once per symbol, bar and type
 */
export function evaluateProvisional(
  analyzer: StreamingAnalyzer,
  timeOfDay: TimeOfDayVolume,
  forming: Bar,
  clock: FormingBarClock,
): ProvisionalRecord[] {
  const fraction = continuousElapsedFraction(
    Date.parse(forming.time),
    clock.barEndMs,
    clock.nowMs,
    clock.sessions,
  );
  if (fraction === null || fraction < PROVISIONAL_MIN_ELAPSED_FRACTION) return [];
  const projectedVolume = forming.volume / fraction;
  const tod = timeOfDay.average(forming.time);
  const average = analyzer.averageVolume;
  // vr' = V / tod: the gates divide by the 20-bar average, so they are given V' = V × avg / tod.
  const gateVolume = tod > 0 && average > 0 ? (projectedVolume * average) / tod : projectedVolume;
  const signals = analyzer.preview({ ...forming, volume: gateVolume });
  if (signals.length === 0) return [];
  const projection = {
    elapsedFraction: fraction,
    volumeSoFar: forming.volume,
    projectedVolume,
    timeOfDayVolume: tod > 0 ? tod : null,
    evaluatedAt: clock.nowMs,
  };
  return signals.map((signal) => ({ ...signal, kind: "provisional", projection }));
}
