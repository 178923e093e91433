import { resolve } from "node:path";
import { loadRecentBars, upsertBars, upsertStocks } from "@vpa/db";
import { createProvider } from "@vpa/market-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReplayBarsCsv } from "../../../test-support/bar-stream-stand-in.ts";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import {
  type MarketDataStandIn,
  startMarketDataStandIn,
} from "../../../test-support/market-data-stand-in.ts";
import { fetchLatestBars } from "../src/index.ts";

/** `vpa fetch --timeframe 1m|15m`: intraday bars from a UDF provider, incremental like daily ones. */
const ROOT = resolve(import.meta.dirname, "../../..");
const SERVED = {
  "1m": readReplayBarsCsv(resolve(ROOT, "fixtures/vn30f1m-1m-sample.csv")).slice(0, 1_000),
  "15m": readReplayBarsCsv(resolve(ROOT, "fixtures/vn30f1m-15m-sample.csv")).slice(0, 500),
} as const;

let database: TestDatabase;
let server: MarketDataStandIn;
beforeAll(async () => {
  database = await createTestDatabase();
  server = await startMarketDataStandIn({
    bars: (symbol, timeframe) =>
      symbol === "VN30F1M" && (timeframe === "1m" || timeframe === "15m") ? SERVED[timeframe] : undefined,
  });
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
});

describe("fetchLatestBars on intraday timeframes", () => {
  for (const timeframe of ["1m", "15m"] as const) {
    it(`${timeframe}: stores exactly the provider's bars after the newest stored one, at their minute`, async () => {
      const ids = await upsertStocks(database.db, [{ symbol: "VN30F1M", exchange: "HNX" }]);
      const stockId = ids.get("VN30F1M")!;
      await upsertBars(database.db, stockId, timeframe, SERVED[timeframe].slice(0, 100));
      const provider = createProvider("udf", {
        baseUrl: server.baseUrl,
        backoff: { baseMs: 5, maxMs: 20, jitter: 0 },
      });
      const summary = await fetchLatestBars(database.db, provider, { timeframe, symbols: ["VN30F1M"] });
      expect(summary.failed).toEqual([]);
      const stored = await loadRecentBars(database.db, { stockId, timeframe, limit: 100_000 });
      expect(stored.map((b) => [b.time, b.close, b.volume])).toEqual(
        SERVED[timeframe].map((b) => [b.time, b.close, b.volume]),
      );
      const again = await fetchLatestBars(database.db, provider, { timeframe, symbols: ["VN30F1M"] });
      expect(again).toMatchObject({ barsWritten: 0, failed: [] });
    });
  }
});
