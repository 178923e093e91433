/**
 * The stored track record against the real PostgreSQL: the update after a close stores exactly
 * what vpa-core computes in one batch over the same bars, touches only rows that moved, and a group
 * read gives the batch's figures. Data: three VN30 names of the fixture, 2018–2020.
 */
import {
  analyzeColumns,
  type BarColumns,
  countBarsThrough,
  type OutcomeRow,
  outcomeRows,
  roundTripCosts,
  type SignalRecord,
  summarizeOutcomeGroup,
  trackSignals,
} from "@vpa/core";
import { insertSignals, readTrackRecordGroup, upsertBars, upsertStocks } from "@vpa/db";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
  type SymbolSeries,
} from "../../../../packages/vpa-core/test/support/daily-bars-csv.ts";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { TrackRecordSettingsError } from "./track-record-settings-error.ts";
import { updateTrackRecord } from "./update-track-record.ts";

const SYMBOLS = ["FPT", "HPG", "VCB"];
const SEED = 5;
const HORIZONS = [1, 5, 10, 20];

let database: TestDatabase;
let series: readonly SymbolSeries[];
let stockIds: Map<string, number>;

function cut(columns: BarColumns, through: string): BarColumns {
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

const signalsOf = (symbol: string, columns: BarColumns) =>
  analyzeColumns(symbol, columns).filter((r): r is SignalRecord => r.kind === "signal");

/** Stores the bars and signals through `through`, as imports and scans would. */
async function storeThrough(through: string): Promise<void> {
  for (const s of series) {
    const columns = cut(s.columns, through);
    const id = stockIds.get(s.symbol)!;
    await upsertBars(
      database.db,
      id,
      "1D",
      columns.time.map((time, i) => ({
        time,
        open: columns.open[i]!,
        high: columns.high[i]!,
        low: columns.low[i]!,
        close: columns.close[i]!,
        volume: columns.volume[i]!,
      })),
    );
    await insertSignals(database.db, id, "1D", signalsOf(s.symbol, columns));
  }
}

/** What vpa-core computes in one batch over the bars through `through`. */
function batchRows(through: string): Map<string, OutcomeRow> {
  const rows = new Map<string, OutcomeRow>();
  for (const s of series) {
    const columns = cut(s.columns, through);
    const outcomeSeries = { symbol: s.symbol, exchange: "HOSE" as const, columns };
    const outcomes = trackSignals(outcomeSeries, signalsOf(s.symbol, columns), { seed: SEED, asOf: through });
    for (const row of outcomeRows(outcomeSeries, outcomes, HORIZONS, roundTripCosts()))
      rows.set(`${row.symbol}|${row.signalTime}|${row.signalType}|${row.horizon}`, row);
  }
  return rows;
}

interface StoredRow {
  key: string;
  net_return: number | null;
  exit_time: string | null;
  entry_price: number | null;
  hit: boolean | null;
  liquidity_band: string;
  chance_status: string;
  chance_bar_time: string | null;
  chance_net_return: number | null;
  updated_at: Date;
}

async function storedRows(): Promise<Map<string, StoredRow>> {
  const result = await sql<StoredRow>`
    select st.symbol || '|' || to_char(s.time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') || '|' || s.type || '|' || o.horizon as key,
      o.net_return, to_char(o.exit_time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as exit_time, o.entry_price, o.hit,
      o.liquidity_band, o.chance_status,
      to_char(o.chance_bar_time at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as chance_bar_time,
      o.chance_net_return, o.updated_at
    from signal_outcomes o join vpa_signals s on s.id = o.signal_id join stocks st on st.id = s.stock_id
  `.execute(database.db);
  return new Map(result.rows.map((r) => [r.key, r]));
}

function expectStoredEqualsBatch(stored: Map<string, StoredRow>, batch: Map<string, OutcomeRow>): void {
  expect([...stored.keys()].sort()).toEqual([...batch.keys()].sort());
  for (const [key, row] of batch) {
    const s = stored.get(key)!;
    expect({ key, net: s.net_return, exit: s.exit_time, entry: s.entry_price, hit: s.hit }).toEqual({
      key,
      net: row.outcome?.netReturn ?? null,
      exit: row.outcome?.exitTime ?? null,
      entry: row.outcome?.entryPrice ?? null,
      hit: row.hit,
    });
    expect({ key, band: s.liquidity_band, status: s.chance_status, net: s.chance_net_return }).toEqual({
      key,
      band: row.liquidityBand,
      status: row.chance.status,
      net: row.chanceOutcome?.netReturn ?? null,
    });
    if (row.chance.status === "drawn") expect(s.chance_bar_time).toBe(row.chance.time);
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  series = (await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH, new Set(SYMBOLS))).series.map((s) => ({
    symbol: s.symbol,
    columns: cut(s.columns, "2020-12-31"),
  }));
  stockIds = await upsertStocks(
    database.db,
    SYMBOLS.map((symbol) => ({ symbol, exchange: "HOSE" as const })),
  );
});
afterAll(async () => {
  await database?.drop();
});

describe("the stored track record", () => {
  it("stores what the batch computes, then after more closes changes only the rows that moved", async () => {
    await storeThrough("2020-06-30");
    const first = await updateTrackRecord(database.db, { seed: SEED });
    expect(first.asOf).toBe("2020-06-30");
    const atFirst = batchRows("2020-06-30");
    expect(first.signalsTaken * HORIZONS.length).toBe(atFirst.size);
    expect(first.rowsWritten).toBe(atFirst.size);
    const storedFirst = await storedRows();
    expectStoredEqualsBatch(storedFirst, atFirst);
    // Signals of 2020 whose chance date lies after 30 June wait for it.
    expect([...storedFirst.values()].some((r) => r.chance_status === "waiting")).toBe(true);

    // One more close: only the rows whose horizon passed that day, the new signals' rows and chance
    // draws that the day settled are written.
    await storeThrough("2020-07-01");
    const oneClose = await updateTrackRecord(database.db, { seed: SEED });
    const atOneClose = batchRows("2020-07-01");
    let moved = 0;
    for (const [key, row] of atOneClose) {
      const before = atFirst.get(key);
      if (
        before === undefined ||
        (before.outcome === null) !== (row.outcome === null) ||
        (before.chanceOutcome === null) !== (row.chanceOutcome === null) ||
        before.chance.status !== row.chance.status
      )
        moved++;
    }
    expect(oneClose.rowsWritten).toBe(moved);
    expect(oneClose.rowsWritten).toBeLessThan(40);
    expectStoredEqualsBatch(await storedRows(), atOneClose);

    // Half a year later, in one go.
    await storeThrough("2020-12-31");
    const later = await updateTrackRecord(database.db, { seed: SEED });
    expect(later.becameFinal).toBeGreaterThan(0);
    expect(later.chanceSettled).toBeGreaterThan(0);
    const storedLater = await storedRows();
    expectStoredEqualsBatch(storedLater, batchRows("2020-12-31"));
    // Final rows were not rewritten.
    for (const [key, row] of storedFirst) {
      if (row.net_return !== null && row.chance_net_return !== null)
        expect(storedLater.get(key)!.updated_at).toEqual(row.updated_at);
    }

    const again = await updateTrackRecord(database.db, { seed: SEED });
    expect(again).toMatchObject({ rowsWritten: 0, signalsTaken: 0, becameFinal: 0 });
  });

  it.each([
    { type: "SPRING", exchange: "HOSE", scoreBand: "70-79", horizon: 5, min: 0, max: 80 },
    { type: "EFFORT_TO_RISE", exchange: "HOSE", scoreBand: undefined, horizon: 10, min: 0, max: 101 },
  ])(
    "reads a group ($type · HOSE · score $scoreBand, horizon $horizon) as the batch figures it",
    async (g) => {
      const query = { type: g.type, exchange: g.exchange, scoreBand: g.scoreBand, horizon: g.horizon };
      const key = `${g.type}|HOSE|${g.scoreBand}|${g.horizon}`;
      const group = await readTrackRecordGroup(database.db, query);
      const signals = new Map<string, number>();
      for (const s of series)
        for (const signal of signalsOf(s.symbol, s.columns))
          signals.set(`${s.symbol}|${signal.time}|${signal.type}`, signal.score);
      const low = g.scoreBand === undefined ? 0 : 70;
      const rows = [...batchRows("2020-12-31").values()].filter((r) => {
        const score = signals.get(`${r.symbol}|${r.signalTime}|${r.signalType}`)!;
        return r.signalType === g.type && r.horizon === g.horizon && score >= low && score < g.max;
      });
      const final = rows.filter((r) => r.outcome !== null);
      expect(final.length).toBeGreaterThan(0);
      expect(group.count).toBe(final.length);
      expect(group.pending).toBe(rows.length - final.length);
      expect(group.hits).toBe(final.filter((r) => r.hit).length);
      const returns = Float64Array.from(final.map((r) => r.outcome!.netReturn));
      const chance = Float64Array.from(
        final.flatMap((r) => (r.chanceOutcome === null ? [] : [r.chanceOutcome.netReturn])),
      );
      const summary = summarizeOutcomeGroup("bull", returns, chance, { seed: SEED, key });
      expect(group.meanNetReturn).toBeCloseTo(summary.signals.mean!, 12);
      expect(group.medianNetReturn).toBeCloseTo(summary.signals.median!, 12);
      expect(group.chanceCount).toBe(summary.chance.count);
      if (summary.chance.count > 0) expect(group.chanceMeanNetReturn).toBeCloseTo(summary.chance.mean!, 12);
      // The returns come back sorted: the same interval as the batch's.
      const fromDatabase = summarizeOutcomeGroup(
        "bull",
        Float64Array.from(group.netReturns),
        Float64Array.from(group.chanceNetReturns),
        { seed: SEED, key },
      );
      expect(fromDatabase).toEqual(summary);
      await expect(readTrackRecordGroup(database.db, { ...query, scoreBand: "70-80" })).rejects.toThrow(
        /unknown band/,
      );
    },
  );

  it("refuses to mix settings: the stored rows keep their seed and costs", async () => {
    await expect(updateTrackRecord(database.db, { seed: SEED + 1 })).rejects.toBeInstanceOf(
      TrackRecordSettingsError,
    );
    await expect(updateTrackRecord(database.db, { seed: SEED, brokerageRate: 0.0035 })).rejects.toThrow(
      /brokerage 0.0015/,
    );
  });
});
