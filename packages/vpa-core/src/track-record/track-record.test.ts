/**
 * The track record on real data: the VN30 fixture the repository carries (30 names, 2018–2021).
 * Signals come from the analyser itself, as in the study.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
  type SymbolSeries,
} from "../../test/support/daily-bars-csv.ts";
import { analyzeColumns } from "../analysis/analyze.ts";
import type { BarColumns } from "../bar.ts";
import type { SignalRecord } from "../vpa-record.ts";
import { countBarsThrough } from "./bar-search.ts";
import { roundTripCosts } from "./round-trip-costs.ts";
import { type OutcomeRow, outcomeRows, trackSignals } from "./signal-outcomes.ts";
import {
  computeTrackRecord,
  summarizeTrackRecord,
  type TrackRecordGroup,
  type TrackRecordInput,
  trackUniverse,
} from "./track-record.ts";

let series: readonly SymbolSeries[] = [];
let inputs: TrackRecordInput[] = [];

function signalsOf(symbol: string, columns: BarColumns): SignalRecord[] {
  return analyzeColumns(symbol, columns).filter((r): r is SignalRecord => r.kind === "signal");
}

function cutColumns(columns: BarColumns, through: string): BarColumns {
  const n = countBarsThrough(columns.time, columns.time.length, through);
  return {
    time: columns.time.slice(0, n),
    open: columns.open.slice(0, n),
    high: columns.high.slice(0, n),
    low: columns.low.slice(0, n),
    close: columns.close.slice(0, n),
    volume: columns.volume.slice(0, n),
  };
}

const groupName = (g: TrackRecordGroup) => `${g.dimension}|${g.key}|${g.bias}|${g.horizon}`;
const FAST = { resamples: 200 } as const;

beforeAll(async () => {
  series = (await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH)).series;
  inputs = series.map((s) => ({
    symbol: s.symbol,
    exchange: "HOSE",
    columns: s.columns,
    signals: signalsOf(s.symbol, s.columns),
  }));
});

describe("the chance baseline", () => {
  it("is deterministic given the seed: the same figures twice, other chance figures with another seed", () => {
    const one = computeTrackRecord(inputs, { seed: 7, ...FAST });
    expect(computeTrackRecord(inputs, { seed: 7, ...FAST })).toEqual(one);
    const other = computeTrackRecord(inputs, { seed: 8, ...FAST });
    const spring = (r: typeof one) => r.groups.find((g) => groupName(g) === "type|SPRING|bull|5")!;
    expect(spring(other).signals.mean).toBe(spring(one).signals.mean);
    expect(spring(other).chance.mean).not.toBe(spring(one).chance.mean);
  });

  it("has one entry per signal, from the same symbol and the same year", () => {
    const universe = trackUniverse(inputs, { seed: 7 });
    let signals = 0;
    for (const { series: s, outcomes } of universe.symbols) {
      for (const o of outcomes) {
        signals++;
        expect(o.symbol).toBe(s.symbol);
        if (o.chance.status === "drawn") {
          expect(s.columns.time[o.chance.bar]).toBe(o.chance.time);
          expect(o.chance.time.slice(0, 4)).toBe(o.signal.time.slice(0, 4));
          expect(o.chance.bar).toBeGreaterThanOrEqual(40);
        }
      }
    }
    const record = summarizeTrackRecord(universe, { seed: 7, ...FAST });
    expect(record.signalCount).toBe(signals);
    const { drawn, waiting, none } = record.chanceDraws;
    expect(drawn + waiting + none).toBe(signals);
    // Only draws that fell after the data's last day (mid-July 2021) wait.
    expect(drawn / signals).toBeGreaterThan(0.99);
    for (const g of record.groups) {
      // As many chance entries as final signals, less those still to settle.
      expect(g.chance.count + g.chancePending).toBe(g.signals.count);
    }
  });
});

describe("no look-ahead", () => {
  /** Rows keyed by signal and horizon. */
  function rowsOf(columnsOf: (s: SymbolSeries) => BarColumns, asOf: string): Map<string, OutcomeRow> {
    const rows = new Map<string, OutcomeRow>();
    const costs = roundTripCosts();
    for (const s of series) {
      const columns = columnsOf(s);
      const outcomeSeries = {
        symbol: s.symbol,
        exchange: "HOSE" as const,
        columns,
        eligibleFrom: s.columns.time[40]!,
      };
      const outcomes = trackSignals(outcomeSeries, signalsOf(s.symbol, columns), { seed: 3, asOf });
      for (const row of outcomeRows(outcomeSeries, outcomes, [1, 5, 10, 20], costs))
        rows.set(`${row.symbol}|${row.signalTime}|${row.signalType}|${row.horizon}`, row);
    }
    return rows;
  }

  it("appending bars never changes an outcome that was final, nor a chance draw that was made", () => {
    const newest = series
      .map((s) => s.columns.time.at(-1)!)
      .sort()
      .at(-1)!;
    const full = rowsOf((s) => s.columns, newest);
    let finalRows = 0;
    let finalChance = 0;
    for (const cut of ["2018-06-29", "2019-01-02", "2019-12-31", "2020-03-24", "2020-11-10", "2021-05-04"]) {
      const partial = rowsOf((s) => cutColumns(s.columns, cut), cut);
      for (const [key, row] of partial) {
        const later = full.get(key);
        expect(later, key).toBeDefined();
        if (row.outcome !== null) {
          finalRows++;
          expect(later!.outcome, key).toEqual(row.outcome);
          expect(later!.hit).toBe(row.hit);
        } else {
          // Not final: its bar t+h was after the cut.
          expect(later!.outcome === null || later!.outcome.exitTime > cut).toBe(true);
        }
        if (row.chance.status === "drawn") expect(later!.chance).toEqual(row.chance);
        if (row.chanceOutcome !== null) {
          finalChance++;
          expect(later!.chanceOutcome, key).toEqual(row.chanceOutcome);
        }
      }
    }
    expect(finalRows).toBeGreaterThan(10_000);
    expect(finalChance).toBeGreaterThan(10_000);
  });

  it("a group figure that was final at a cut is the same with every later bar", () => {
    let compared = 0;
    for (const cut of ["2019-03-15", "2020-02-28", "2021-03-01"]) {
      const atCut = computeTrackRecord(
        series.map((s) => {
          const columns = cutColumns(s.columns, cut);
          return { symbol: s.symbol, exchange: "HOSE", columns, signals: signalsOf(s.symbol, columns) };
        }),
        { seed: 11, ...FAST },
      );
      // The same signals (those up to the cut), with every bar the data has after it.
      const later = computeTrackRecord(
        inputs.map((input) => ({ ...input, signals: input.signals.filter((sig) => sig.time <= cut) })),
        { seed: 11, ...FAST },
      );
      const laterByName = new Map(later.groups.map((g) => [groupName(g), g]));
      for (const group of atCut.groups) {
        if (group.pending > 0 || group.chancePending > 0) continue;
        compared++;
        expect(laterByName.get(groupName(group)), groupName(group)).toEqual(group);
      }
    }
    // Every completed year, at least, at each horizon and bias.
    expect(compared).toBeGreaterThan(40);
  });
});

describe("the reliability table", () => {
  it("puts every final signal in one confidence band per horizon, with its hit", () => {
    const record = computeTrackRecord(inputs, { seed: 1, ...FAST });
    for (const horizon of record.horizons) {
      const rows = record.reliability.filter((r) => r.horizon === horizon);
      expect(rows.map((r) => r.band)).toEqual(["0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"]);
      const all = record.groups.filter((g) => g.dimension === "all" && g.horizon === horizon);
      const total = all.reduce((sum, g) => sum + g.signals.count, 0);
      expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(total);
      expect(rows.reduce((sum, r) => sum + r.hits, 0)).toBe(all.reduce((sum, g) => sum + g.signals.hits, 0));
      // Nothing below 0.3 at a signal's own bar.
      expect(rows[0]!.count).toBe(0);
      for (const row of rows.filter((r) => r.count > 0)) {
        expect(row.hitRateInterval!.low).toBeLessThanOrEqual(row.hitRate!);
        expect(row.hitRateInterval!.high).toBeGreaterThanOrEqual(row.hitRate!);
      }
    }
  });
});

describe("groups", () => {
  it("agree with the per-signal rows the database keeps", () => {
    const record = computeTrackRecord(inputs, { seed: 1, ...FAST });
    const costs = roundTripCosts();
    const rows: OutcomeRow[] = [];
    for (const input of inputs) {
      const outcomeSeries = { symbol: input.symbol, exchange: input.exchange, columns: input.columns };
      // The market's newest date, as the batch uses: a chance date after this symbol's last bar
      // but before the market's is a day without a bar, not a date still to come.
      const outcomes = trackSignals(outcomeSeries, input.signals, { seed: 1, asOf: record.asOf });
      rows.push(...outcomeRows(outcomeSeries, outcomes, [5], costs));
    }
    const spring = rows.filter((r) => r.signalType === "SPRING" && r.outcome !== null);
    const group = record.groups.find((g) => groupName(g) === "type|SPRING|bull|5")!;
    expect(group.signals.count).toBe(spring.length);
    expect(group.signals.hits).toBe(spring.filter((r) => r.hit).length);
    const mean = spring.reduce((s, r) => s + r.outcome!.netReturn, 0) / spring.length;
    expect(group.signals.mean).toBeCloseTo(mean, 12);
    const chance = spring.filter((r) => r.chanceOutcome !== null);
    expect(group.chance.count).toBe(chance.length);
  });

  it("split every dimension by bias and come in the dimension's order", () => {
    const record = computeTrackRecord(inputs, { seed: 1, horizons: [5], ...FAST });
    const types = record.groups.filter((g) => g.dimension === "type").map((g) => `${g.key}/${g.bias}`);
    expect(types).toContain("ABSORPTION/bull");
    expect(types).toContain("ABSORPTION/bear");
    const scores = record.groups
      .filter((g) => g.dimension === "score" && g.bias === "bull")
      .map((g) => g.key);
    expect(scores).toEqual([...scores].sort());
    const years = record.groups.filter((g) => g.dimension === "year" && g.bias === "bull").map((g) => g.key);
    // FPT runs on to 2024 in the fixture.
    expect(years).toEqual(["2018", "2019", "2020", "2021", "2022", "2023", "2024"]);
    expect(record.groups.filter((g) => g.dimension === "exchange").map((g) => g.key)).toEqual([
      "HOSE",
      "HOSE",
    ]);
  });
});
