import {
  chanceKey,
  type KnownChance,
  type OutcomeRow,
  outcomeRows,
  roundTripCostsOf,
  SIGNAL_TYPES,
  type SignalType,
  type TrackedSignal,
  type Trend,
  trackSignals,
} from "@vpa/core";
import type { SignalOutcomeInput, TrackRecordBars, TrackRecordSettings, TrackRecordWork } from "@vpa/db";

/** What one stock's update yields: the rows to store, and what they amount to. */
export interface StockTrackRecordUpdate {
  readonly rows: SignalOutcomeInput[];
  /** Signals seen for the first time. */
  readonly signalsTaken: number;
  /** Rows whose own trade became final in this update. */
  readonly becameFinal: number;
  /** Rows whose chance entry became final in this update. */
  readonly chanceSettled: number;
  /** Stored signals of a type vpa-core does not know (left alone). */
  readonly unknownTypes: readonly string[];
}

const TRENDS: readonly string[] = ["up", "down", "flat"];

function toTrackedSignal(signal: TrackRecordWork["signals"][number]): TrackedSignal | null {
  if (!(SIGNAL_TYPES as readonly string[]).includes(signal.type)) return null;
  return {
    time: signal.time,
    type: signal.type as SignalType,
    bias: signal.bias,
    score: signal.score,
    confidence: signal.confidence,
    features: { trend: (TRENDS.includes(signal.trend) ? signal.trend : "flat") as Trend },
  };
}

function toInput(signalId: number, row: OutcomeRow): SignalOutcomeInput {
  return {
    signalId,
    horizon: row.horizon,
    averageTradedValue: row.averageTradedValue,
    liquidityBand: row.liquidityBand,
    outcome: row.outcome,
    hit: row.hit,
    chance:
      row.chance.status === "drawn"
        ? { status: "drawn", time: row.chance.time }
        : row.chance.status === "waiting"
          ? { status: "waiting", until: row.chance.until }
          : { status: "none" },
    chanceOutcome: row.chanceOutcome,
    chanceHit: row.chanceHit,
  };
}

/**
 * The outcome rows one stock's update must store (pure: the job loads, this computes): every row
 * of a signal seen for the first time, and of the others only the rows that moved — own trade
 * final, chance entry final, or a chance draw made. Bars are the stock's from `work.loadFrom`
 * through `asOf`; prices thousand VND.
 */
export function trackRecordUpdateRows(
  work: TrackRecordWork,
  bars: TrackRecordBars,
  asOf: string,
  settings: TrackRecordSettings,
): StockTrackRecordUpdate {
  const series = {
    symbol: work.symbol,
    exchange: work.exchange,
    columns: {
      time: bars.time,
      open: Float64Array.from(bars.open),
      high: Float64Array.from(bars.high),
      low: Float64Array.from(bars.low),
      close: Float64Array.from(bars.close),
      volume: Float64Array.from(bars.volume),
    },
    // A stock with fewer than 41 bars has no signal and no chance entry.
    eligibleFrom: work.eligibleFrom ?? "~",
  };
  const signals: TrackedSignal[] = [];
  const ids: number[] = [];
  const unknownTypes: string[] = [];
  const knownChance = new Map<string, KnownChance>();
  const storedOf = new Map<number, TrackRecordWork["signals"][number]>();
  for (const signal of work.signals) {
    const tracked = toTrackedSignal(signal);
    if (tracked === null) {
      unknownTypes.push(signal.type);
      continue;
    }
    signals.push(tracked);
    ids.push(signal.id);
    storedOf.set(signal.id, signal);
    if (signal.knownChance !== null)
      knownChance.set(chanceKey(work.symbol, signal.time, signal.type), signal.knownChance);
  }
  const outcomes = trackSignals(series, signals, { seed: settings.seed, asOf, knownChance });
  const rows: SignalOutcomeInput[] = [];
  let becameFinal = 0;
  let chanceSettled = 0;
  let signalsTaken = 0;
  outcomes.forEach((outcome, i) => {
    const id = ids[i]!;
    const stored = storedOf.get(id)!;
    if (stored.isNew) signalsTaken++;
    const perHorizon = outcomeRows(
      series,
      [outcome],
      settings.horizons,
      roundTripCostsOf(work.symbol, settings.brokerageRate),
    );
    for (const row of perHorizon) {
      const before = stored.stored.find((s) => s.horizon === row.horizon);
      const final = row.outcome !== null && before?.final !== true;
      const chanceFinal = row.chanceOutcome !== null && before?.chanceFinal !== true;
      // A draw moved when it was made, or when it now waits for another date.
      const drawMoved =
        before !== undefined &&
        (before.chanceStatus !== row.chance.status ||
          (row.chance.status === "waiting" && before.chanceWaitingUntil !== row.chance.until));
      if (final) becameFinal++;
      if (chanceFinal) chanceSettled++;
      if (before === undefined || final || chanceFinal || drawMoved) rows.push(toInput(id, row));
    }
  });
  return { rows, signalsTaken, becameFinal, chanceSettled, unknownTypes };
}
