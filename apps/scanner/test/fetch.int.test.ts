import { listActiveStocks, loadRecentBars, upsertBars, upsertStocks } from "@vpa/db";
import { createProvider } from "@vpa/market-data";
import { createQueue } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import {
  loadFixtureBars,
  type MarketDataStandIn,
  type StandInBar,
  startMarketDataStandIn,
} from "../../../test-support/market-data-stand-in.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { fetchLatestBars, scanMarket } from "../src/index.ts";

let database: TestDatabase;
let server: MarketDataStandIn;
let served: Map<string, StandInBar[]>;

beforeAll(async () => {
  database = await createTestDatabase();
  // The fixture's rows as the provider would serve them: valid bars only (the fixture has a few bad rows).
  served = new Map(
    [...(await loadFixtureBars(["VCB", "FPT", "HPG"]))].map(([symbol, bars]) => [
      symbol,
      bars.filter(
        (b) => b.low <= Math.min(b.open, b.close) && Math.max(b.open, b.close) <= b.high && b.low > 0,
      ),
    ]),
  );
  server = await startMarketDataStandIn({ bars: served });
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function storedBars(symbol: string) {
  const stocks = await listActiveStocks(database.db, [symbol]);
  if (stocks[0] === undefined) return [];
  return loadRecentBars(database.db, { stockId: stocks[0].id, timeframe: "1D", limit: 100_000 });
}

describe("fetchLatestBars (UDF provider against a loopback server)", () => {
  it("fetches only the bars after the newest stored one, through a burst of 5xx, and ends with exactly the server's bars", async () => {
    // VCB already has its first 300 bars stored; FPT and HPG have nothing.
    const ids = await upsertStocks(database.db, [{ symbol: "VCB" }, { symbol: "FPT" }, { symbol: "HPG" }]);
    await upsertBars(database.db, ids.get("VCB")!, "1D", served.get("VCB")!.slice(0, 300));
    server.failNext(3, 503);
    const provider = createProvider("udf", {
      baseUrl: server.baseUrl,
      backoff: { baseMs: 5, maxMs: 20, jitter: 0.5 },
    });
    const summary = await fetchLatestBars(database.db, provider, {
      timeframe: "1D",
      symbols: ["VCB", "FPT", "HPG"],
      from: "2018-01-01",
    });
    expect(summary.failed).toEqual([]);
    for (const symbol of ["VCB", "FPT", "HPG"]) {
      const stored = (await storedBars(symbol)).map((b) => [b.time, b.close, b.volume]);
      expect(stored, symbol).toEqual(served.get(symbol)!.map((b) => [b.time, b.close, b.volume]));
    }
    const vcbRequests = server.requests.filter((r) => r.symbol === "VCB" && r.fault === undefined);
    // Incremental: VCB's request starts at its newest stored bar, not at the beginning.
    expect(vcbRequests.at(-1)?.from).toBeGreaterThanOrEqual(
      Date.parse(`${served.get("VCB")![299]!.time}T00:00:00Z`) / 1000 - 86_400,
    );

    const again = await fetchLatestBars(database.db, provider, {
      timeframe: "1D",
      symbols: ["VCB", "FPT", "HPG"],
    });
    expect(again).toMatchObject({ barsFetched: 0, barsWritten: 0, updated: [], failed: [] });
  });

  it("reports a symbol whose fetch keeps failing and still stores the others", async () => {
    const provider = createProvider("udf", {
      baseUrl: server.baseUrl,
      retries: 1,
      backoff: { baseMs: 5, maxMs: 10, jitter: 0 },
      breaker: { failureThreshold: 100, openMs: 1_000 },
    });
    server.noDataFor("ACB");
    const summary = await fetchLatestBars(database.db, provider, {
      timeframe: "1D",
      symbols: ["ACB", "VCB"],
      parallel: 1,
    });
    expect(summary.failed).toEqual([]);
    expect(summary.barsFetched).toBe(0);
    server.failNext(10, 500);
    const failing = await fetchLatestBars(database.db, provider, {
      timeframe: "1D",
      symbols: ["FPT"],
      parallel: 1,
    });
    expect(failing.failed.map((f) => f.symbol)).toEqual(["FPT"]);
    server.clearFaults();
  });

  it("after a fetch, every new bar is analysed: the scan starts each symbol's signals at its first new bar", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "SSI" }]);
    const all = (await loadFixtureBars(["SSI"]))
      .get("SSI")!
      .filter((b) => b.low <= Math.min(b.open, b.close));
    await upsertBars(database.db, ids.get("SSI")!, "1D", all.slice(0, all.length - 5));
    const local = await startMarketDataStandIn({ bars: new Map([["SSI", all]]) });
    try {
      const summary = await fetchLatestBars(database.db, createProvider("udf", { baseUrl: local.baseUrl }), {
        timeframe: "1D",
        symbols: ["SSI"],
      });
      expect(summary.updated).toEqual([
        { symbol: "SSI", oldest: all.at(-5)!.time, newest: all.at(-1)!.time },
      ]);
      const connection = testQueueConnection();
      const analyzeQueue = createQueue("analyze", connection);
      try {
        await scanMarket(database.db, analyzeQueue, {
          timeframe: "1D",
          symbols: ["SSI"],
          sinceBySymbol: new Map(summary.updated.map((u) => [u.symbol, u.oldest])),
        });
        const [job] = await analyzeQueue.queue.getJobs(["waiting"]);
        expect(job?.data.symbols).toHaveLength(1);
        expect(job?.data.symbols[0]).toMatchObject({
          symbol: "SSI",
          barTime: all.at(-1)!.time,
          signalsSince: all.at(-5)!.time,
        });
      } finally {
        await obliterateQueues([analyzeQueue]);
      }
    } finally {
      await local.close();
    }
  });
});
