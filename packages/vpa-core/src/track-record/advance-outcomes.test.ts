/**
 * The update after each close, bar by bar over real data, against the batch: the incremental path
 * must end where one batch computation over the same bars ends, and on each close report exactly
 * the rows whose horizon (or chance entry's) passed that day.
 */
import { describe, expect, it } from "vitest";
import { FIXTURE_DAILY_DATA_PATH, readDailyBarsCsvGz } from "../../test/support/daily-bars-csv.ts";
import { analyzeColumns } from "../analysis/analyze.ts";
import { createStreamingAnalyzer } from "../analysis/streaming-analyzer.ts";
import type { SignalRecord } from "../vpa-record.ts";
import { advanceOutcomes } from "./advance-outcomes.ts";
import { roundTripCosts } from "./round-trip-costs.ts";
import { type OutcomeRow, outcomeRows, type SignalOutcome, trackSignals } from "./signal-outcomes.ts";

const HORIZONS = [1, 5, 10, 20];
const costs = roundTripCosts();
const key = (r: OutcomeRow) => `${r.signalTime}|${r.signalType}|${r.horizon}`;

describe("advanceOutcomes", () => {
  it("reaches the batch's rows close by close, reporting only the rows that moved", async () => {
    const { series } = await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH, new Set(["HPG", "MWG"]));
    for (const s of series) {
      const columns = s.columns;
      const total = columns.time.length;
      const analyzer = createStreamingAnalyzer(s.symbol);
      const stored = new Map<string, OutcomeRow>();
      let open: SignalOutcome[] = [];
      let moved = 0;
      for (let n = 0; n < total; n++) {
        const asOf = columns.time[n]!;
        const view = { symbol: s.symbol, exchange: "HOSE" as const, columns, length: n + 1 };
        const today = analyzer
          .update({
            time: asOf,
            open: columns.open[n]!,
            high: columns.high[n]!,
            low: columns.low[n]!,
            close: columns.close[n]!,
            volume: columns.volume[n]!,
          })
          .filter((r): r is SignalRecord => r.kind === "signal");
        const advanced = advanceOutcomes(view, open, n, { seed: 9, asOf }, HORIZONS, costs);
        for (const { row, finalNow, chanceFinalNow } of advanced.moved) {
          const before = stored.get(key(row))!;
          expect(finalNow).toBe(before.outcome === null && row.outcome !== null);
          expect(chanceFinalNow).toBe(before.chanceOutcome === null && row.chanceOutcome !== null);
          // Something really moved.
          expect(
            (before.outcome === null && row.outcome !== null) ||
              (before.chanceOutcome === null && row.chanceOutcome !== null) ||
              JSON.stringify(before.chance) !== JSON.stringify(row.chance),
          ).toBe(true);
          if (row.outcome !== null && before.outcome === null) expect(row.outcome.exitTime).toBe(asOf);
          stored.set(key(row), row);
          moved++;
        }
        const fresh = trackSignals(view, today, { seed: 9, asOf });
        for (const row of outcomeRows(view, fresh, HORIZONS, costs)) stored.set(key(row), row);
        open = [...advanced.open, ...fresh];
      }
      const whole = { symbol: s.symbol, exchange: "HOSE" as const, columns };
      const signals = analyzeColumns(s.symbol, columns).filter((r): r is SignalRecord => r.kind === "signal");
      const batch = outcomeRows(whole, trackSignals(whole, signals, { seed: 9 }), HORIZONS, costs);
      expect(batch.length).toBe(stored.size);
      for (const row of batch) expect(stored.get(key(row)), key(row)).toEqual(row);
      expect(moved).toBeGreaterThan(stored.size);
      // Only the last bars' signals, and waiting draws of the last year, stay open.
      expect(open.length).toBeLessThan(80);
    }
  });
});
