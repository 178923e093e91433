import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { listBacktestSymbols, loadBacktestBars } from "./backtest-repository.ts";
import { listIndexSymbols, loadIndexSeries, markIndexSymbols } from "./index-series-repository.ts";
import { listLatestBars, upsertBars } from "./market-data-repository.ts";
import { listActiveStocks, upsertStocks } from "./stock-repository.ts";
import { findNewestBarDate } from "./track-record-repository.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  // A stock with bars to 2021-07-15, and the VN30 index with bars to 2021-12-31 (as the fixtures).
  const stocks = await upsertStocks(database.db, [{ symbol: "FPT", exchange: "HOSE" }]);
  await upsertBars(database.db, stocks.get("FPT")!, "1D", [
    { time: "2021-07-14", open: 90, high: 91, low: 89, close: 90.5, volume: 1000 },
    { time: "2021-07-15", open: 90.5, high: 92, low: 90, close: 91, volume: 1200 },
  ]);
  const indices = await markIndexSymbols(database.db, ["VN30"]);
  await upsertBars(database.db, indices.get("VN30")!, "1D", [
    { time: "2021-07-14", open: 1500, high: 1510, low: 1490, close: 1505.5, volume: 1e8 },
    { time: "2021-07-15", open: 1505.5, high: 1520, low: 1500, close: 1512.25, volume: 1e8 },
    { time: "2021-12-31", open: 1523.58, high: 1537.32, low: 1523.41, close: 1535.71, volume: 1e8 },
  ]);
});
afterAll(async () => {
  await database?.drop();
});

describe("an index is stored but never listed as a tradable symbol", () => {
  it("marks a symbol as an index, idempotently, keeping its id", async () => {
    const first = await markIndexSymbols(database.db, ["VN30", "VN30"]);
    const again = await markIndexSymbols(database.db, ["VN30"]);
    expect(again.get("VN30")).toBe(first.get("VN30"));
    expect(await listIndexSymbols(database.db)).toEqual(["VN30"]);
  });

  it("is left out of the scan's list, the backtest universe and the market's newest date", async () => {
    expect((await listLatestBars(database.db, "1D")).map((l) => l.symbol)).toEqual(["FPT"]);
    // Named explicitly, it is still not scanned.
    expect((await listLatestBars(database.db, "1D", ["VN30", "FPT"])).map((l) => l.symbol)).toEqual(["FPT"]);
    expect((await listBacktestSymbols(database.db, null, "1D")).map((s) => s.symbol)).toEqual(["FPT"]);
    expect((await listBacktestSymbols(database.db, ["VN30"], "1D")).map((s) => s.symbol)).toEqual([]);
    const bars = await loadBacktestBars(database.db, {
      symbols: null,
      timeframe: "1D",
      from: "2021-01-01",
      to: "2021-12-31",
    });
    expect(bars.map((b) => b.symbol)).toEqual(["FPT"]);
    expect((await listActiveStocks(database.db)).map((s) => s.symbol)).toEqual(["FPT"]);
    expect(
      (await listActiveStocks(database.db, undefined, { includeIndices: true })).map((s) => s.symbol),
    ).toEqual(["FPT", "VN30"]);
    // The index runs to 2021-12-31, the stocks to 2021-07-15: the track record's "as of" is the stocks'.
    expect(await findNewestBarDate(database.db, "1D")).toBe("2021-07-15");
  });

  it("loads an index's closes in a date range; a stock is not an index", async () => {
    expect(
      await loadIndexSeries(database.db, { symbol: "VN30", from: "2021-07-15", to: "2022-01-31" }),
    ).toEqual({ name: "VN30", time: ["2021-07-15", "2021-12-31"], close: [1512.25, 1535.71] });
    expect(
      await loadIndexSeries(database.db, { symbol: "VN30", from: "2022-01-01", to: "2022-12-31" }),
    ).toBeNull();
    expect(
      await loadIndexSeries(database.db, { symbol: "FPT", from: "2021-01-01", to: "2021-12-31" }),
    ).toBeNull();
    expect(
      await loadIndexSeries(database.db, { symbol: "VNINDEX", from: "2021-01-01", to: "2021-12-31" }),
    ).toBeNull();
  });
});
