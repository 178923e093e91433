import {
  insertSignals,
  loadChartBars,
  loadChartBarsOfSignals,
  type SignalInput,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";

let database: TestDatabase;
let stockId: number;
let otherStockId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const ids = await upsertStocks(database.db, [{ symbol: "VCB" }, { symbol: "HPG" }]);
  stockId = ids.get("VCB")!;
  otherStockId = ids.get("HPG")!;
});
afterAll(async () => {
  await database?.drop();
});

function dailyBars(count: number, base: number) {
  const start = Date.UTC(2020, 0, 1);
  return Array.from({ length: count }, (_, i) => ({
    time: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    open: base + i,
    high: base + i + 1,
    low: base + i - 1,
    close: base + i + 0.5,
    volume: 1_000_000 + i,
  }));
}

const signal = (time: string): SignalInput => ({
  time,
  type: "SELLING_CLIMAX",
  bias: "bull",
  score: 87,
  confidence: 0.65,
  priority: "HIGH",
  variant: null,
  features: { vr: 2.8, sr: 1.9, cl: 0.7, trend: "down" },
  close: 10,
  volume: 1_000_000,
  priceChange: 0.02,
});

describe("loadChartBars", () => {
  it("returns the last 60 bars up to and including the signal's bar, oldest first", async () => {
    await upsertBars(database.db, stockId, "1D", dailyBars(100, 10));
    await upsertBars(database.db, otherStockId, "1D", dailyBars(100, 500));
    await upsertBars(database.db, stockId, "1W", dailyBars(100, 900));
    const [stored] = await insertSignals(database.db, stockId, "1D", [signal("2020-03-10")]); // bar 69

    const bars = await loadChartBars(database.db, stored!.id);

    expect(bars).toHaveLength(60);
    expect(bars.at(-1)).toEqual({
      time: "2020-03-10",
      open: 79,
      high: 80,
      low: 78,
      close: 79.5,
      volume: 1_000_069,
    });
    expect(bars[0]!.time).toBe("2020-01-11"); // bar 10
    // Only this stock's daily bars, none after the signal.
    expect(bars.every((bar) => bar.open >= 10 && bar.open < 100)).toBe(true);
    expect(bars.map((bar) => bar.time)).toEqual([...bars.map((bar) => bar.time)].sort());
  });

  it("returns what there is near the start of the history, and takes another count", async () => {
    const [early] = await insertSignals(database.db, stockId, "1D", [signal("2020-01-05")]); // bar 4
    expect(await loadChartBars(database.db, early!.id)).toHaveLength(5);
    const [late] = await insertSignals(database.db, stockId, "1D", [signal("2020-04-01")]);
    expect((await loadChartBars(database.db, late!.id, 20)).map((bar) => bar.time).at(-1)).toBe("2020-04-01");
    expect(await loadChartBars(database.db, late!.id, 20)).toHaveLength(20);
  });

  it("writes intraday bar times with the exchange's offset", async () => {
    const intraday = Array.from({ length: 3 }, (_, i) => ({
      time: `2024-01-02T09:${String(15 + i).padStart(2, "0")}:00+07:00`,
      open: 20,
      high: 21,
      low: 19,
      close: 20.5,
      volume: 100,
    }));
    await upsertBars(database.db, stockId, "1m", intraday);
    const [stored] = await insertSignals(database.db, stockId, "1m", [signal("2024-01-02T09:16:00+07:00")]);
    expect((await loadChartBars(database.db, stored!.id)).map((bar) => bar.time)).toEqual([
      "2024-01-02T09:15:00+07:00",
      "2024-01-02T09:16:00+07:00",
    ]);
  });

  it("returns nothing for a signal that does not exist", async () => {
    expect(await loadChartBars(database.db, 999_999)).toEqual([]);
  });
});

describe("loadChartBarsOfSignals", () => {
  it("answers each signal's chart bars in the ids' order, as loadChartBars does one by one", async () => {
    await upsertBars(database.db, stockId, "1D", dailyBars(100, 10));
    await upsertBars(database.db, otherStockId, "1D", dailyBars(100, 500));
    await upsertBars(database.db, stockId, "1W", dailyBars(100, 900));
    const [a] = await insertSignals(database.db, stockId, "1D", [signal("2020-03-10")]);
    // The same stock at another bar, another type on the same bar, another stock, another timeframe.
    const [b] = await insertSignals(database.db, stockId, "1D", [signal("2020-02-01")]);
    const [c] = await insertSignals(database.db, stockId, "1D", [
      { ...signal("2020-03-10"), type: "NO_DEMAND", bias: "bear" },
    ]);
    const [d] = await insertSignals(database.db, otherStockId, "1D", [signal("2020-02-15")]);
    const [e] = await insertSignals(database.db, stockId, "1W", [signal("2020-03-20")]);
    const ids = [e!.id, 999_999, a!.id, d!.id, b!.id, c!.id];

    const together = await loadChartBarsOfSignals(database.db, ids, 30);

    const oneByOne = await Promise.all(ids.map((id) => loadChartBars(database.db, id, 30)));
    expect(together).toEqual(oneByOne);
    expect(together.map((bars) => bars.at(-1)?.time)).toEqual([
      "2020-03-20",
      undefined,
      "2020-03-10",
      "2020-02-15",
      "2020-02-01",
      "2020-03-10",
    ]);
    expect(together[3]!.every((bar) => bar.open >= 500)).toBe(true); // HPG's own bars
    expect(together[0]!.every((bar) => bar.open >= 900)).toBe(true); // the weekly bars
  });
});
