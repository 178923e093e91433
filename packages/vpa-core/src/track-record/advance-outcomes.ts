import type { RoundTripCosts } from "./round-trip-costs.ts";
import {
  knownLength,
  type OutcomeRow,
  type OutcomeSeries,
  outcomeRows,
  type SignalOutcome,
  type TrackSignalsOptions,
  trackSignals,
} from "./signal-outcomes.ts";

/** A row that moved, with its signal's outcome (its group keys) and what became final. */
export interface MovedRow {
  readonly outcome: SignalOutcome;
  readonly row: OutcomeRow;
  /** The signal's own trade became final with these bars: add it to its groups' figures. */
  readonly finalNow: boolean;
  /** The chance entry became final with these bars. */
  readonly chanceFinalNow: boolean;
}

/** What changed in one symbol's track record when bars were appended. */
export interface AdvancedOutcomes {
  /** The signals still open (a horizon or the chance entry not final), with settled draws updated. */
  readonly open: SignalOutcome[];
  /**
   * Rows that moved: the signal's own trade became final, its chance entry became final, or its
   * chance draw was made or moved to another date. Rows that did not move are not here.
   */
  readonly moved: MovedRow[];
}

/**
 * Brings a symbol's open outcomes from `previousLength` bars to the series' length (the update
 * after a close): O(open signals), never the whole history. A signal is open while
 * `bar + longest horizon` or its chance entry's is beyond the data, or its draw waits for a date.
 * Waiting draws whose date the data has reached are drawn again over the series (give the whole
 * year's bars). Signals of the appended bars are not here: place them with {@link trackSignals},
 * store their (not yet final) rows from {@link outcomeRows}, and add them to `open` for the next
 * close.
 *
 * @example
 * // after appending today's bar to the columns (n bars before, n + 1 now):
 * const advanced = advanceOutcomes({ ...series, length: n + 1 }, open, n, { seed, asOf: today }, horizons, costs);
 * const fresh = trackSignals({ ...series, length: n + 1 }, todaysSignals, { seed, asOf: today });
 * open = [...advanced.open, ...fresh];
 */
export function advanceOutcomes(
  series: OutcomeSeries,
  open: readonly SignalOutcome[],
  previousLength: number,
  options: TrackSignalsOptions,
  horizons: readonly number[],
  costs: RoundTripCosts,
): AdvancedOutcomes {
  const length = knownLength(series);
  const asOf = options.asOf ?? series.columns.time[length - 1] ?? "";
  const longest = Math.max(...horizons);
  const stillOpen: SignalOutcome[] = [];
  const moved: MovedRow[] = [];
  for (const before of open) {
    let outcome = before;
    if (before.chance.status === "waiting" && before.chance.until <= asOf) {
      // The same draw as a batch would make: trackSignals is deterministic per signal.
      outcome = trackSignals(series, [before.signal], options)[0]!;
    }
    // A draw moved when it was made, or when it waits for another date now.
    const drawMoved =
      outcome.chance.status !== before.chance.status ||
      (outcome.chance.status === "waiting" &&
        before.chance.status === "waiting" &&
        outcome.chance.until !== before.chance.until);
    const chanceBar = outcome.chance.status === "drawn" ? outcome.chance.bar : -1;
    // Cheap test first: most open signals have nothing final on a given close.
    const moves = (bar: number, h: number) => bar >= 0 && bar + h < length && bar + h >= previousLength;
    if (drawMoved || horizons.some((h) => moves(outcome.bar, h) || moves(chanceBar, h))) {
      // A made draw moves every row of the signal (its chance columns change).
      for (const row of outcomeRows(series, [outcome], horizons, costs)) {
        const finalNow = moves(outcome.bar, row.horizon);
        const wasChanceFinal =
          before.chance.status === "drawn" && before.chance.bar + row.horizon < previousLength;
        const chanceFinalNow = row.chanceOutcome !== null && !wasChanceFinal;
        if (drawMoved || finalNow || chanceFinalNow) moved.push({ outcome, row, finalNow, chanceFinalNow });
      }
    }
    const settled =
      outcome.bar + longest < length &&
      (outcome.chance.status === "none" || (chanceBar >= 0 && chanceBar + longest < length));
    if (!settled) stillOpen.push(outcome);
  }
  return { open: stillOpen, moved };
}
