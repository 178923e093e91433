import { resolve } from "node:path";
import { analyze, type SignalRecord } from "@vpa/core";
import { listSignals, loadRecentBars, type Timeframe, upsertStocks } from "@vpa/db";
import { createUdfProvider } from "@vpa/market-data";
import { createLogger, createMetrics, createQueue } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BarStreamStandIn,
  type ReplayBar,
  readReplayBarsCsv,
  startBarStreamStandIn,
} from "../../../../test-support/bar-stream-stand-in.ts";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import {
  type MarketDataStandIn,
  startMarketDataStandIn,
} from "../../../../test-support/market-data-stand-in.ts";
import { obliterateQueues, testQueueConnection } from "../../../../test-support/queues.ts";
import { startLiveStream } from "./start-live-stream.ts";

/**
 * 5-minute and 1-hour bars through the live path, built by the stream worker from the real
 * VN30F1M minutes: stored bars equal the minutes aggregated by session bucket (the futures' hours:
 * blocks 08:45–11:30 and 13:00–14:45, the lunch break cutting the morning's last bar), and the
 * stored signals equal the batch analysis of the stored bars.
 */
const ROOT = resolve(import.meta.dirname, "../../../..");
const SYMBOL = "VN30F1M";
const MINUTES = readReplayBarsCsv(resolve(ROOT, "fixtures/vn30f1m-1m-sample.csv")).slice(0, 1_500);
const logger = createLogger({ level: "silent", secrets: [] });

/** The minutes grouped into `minutes`-long buckets of the futures' trading blocks. */
function aggregate(bars: readonly ReplayBar[], minutes: number): ReplayBar[] {
  const blocks = [
    [8 * 60 + 45, 11 * 60 + 30],
    [13 * 60, 14 * 60 + 45],
  ] as const;
  const out = new Map<string, ReplayBar>();
  for (const bar of bars) {
    const clock = Number(bar.time.slice(11, 13)) * 60 + Number(bar.time.slice(14, 16));
    const block = blocks.find(([from, to]) => clock >= from && clock < to);
    if (block === undefined) continue; // the 14:45 closing-auction print: no bucket
    const start = block[0] + Math.floor((clock - block[0]) / minutes) * minutes;
    const key = `${bar.time.slice(0, 11)}${String(Math.floor(start / 60)).padStart(2, "0")}:${String(start % 60).padStart(2, "0")}:00+07:00`;
    const open = out.get(key);
    out.set(
      key,
      open === undefined
        ? { ...bar, time: key }
        : {
            time: key,
            open: open.open,
            high: Math.max(open.high, bar.high),
            low: Math.min(open.low, bar.low),
            close: bar.close,
            volume: open.volume + bar.volume,
          },
    );
  }
  return [...out.values()];
}

describe("intraday timeframes through the live stream (from the VN30F1M minutes)", () => {
  const connection = testQueueConnection();
  const alertsQueue = createQueue("alerts", connection);
  let database: TestDatabase;
  let http: MarketDataStandIn;
  const feeds: BarStreamStandIn[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await upsertStocks(database.db, [{ symbol: SYMBOL, exchange: "HNX" }]);
    http = await startMarketDataStandIn({ bars: () => undefined });
  });
  afterAll(async () => {
    for (const feed of feeds) await feed.close();
    await http?.close();
    await obliterateQueues([alertsQueue]);
    await database?.drop();
  });

  for (const [timeframe, minutes] of [
    ["5m", 5],
    ["1h", 60],
  ] as const) {
    it(`${timeframe}: bars aggregated on the session's buckets, signals equal to the batch analysis`, async () => {
      const feed = await startBarStreamStandIn({
        symbol: SYMBOL,
        timeframe: "1m",
        bars: MINUTES,
        barIntervalMs: 2,
        servesTimeframes: [timeframe],
      });
      feeds.push(feed);
      const running = await startLiveStream({
        db: database.db,
        alertsQueue,
        warmUpBars: 5_000,
        provider: createUdfProvider({
          baseUrl: http.baseUrl,
          retries: 0,
          backoff: { baseMs: 10, maxMs: 50, jitter: 0 },
        }),
        metrics: createMetrics({ collectProcessMetrics: false }),
        logger,
        name: `minutes-${timeframe}`,
        url: feed.url,
        symbols: [SYMBOL],
        timeframe: timeframe as Timeframe & ("5m" | "1h"),
        defaultExchange: "HNX",
        // The feed's clock runs ahead of the frames still in the socket: a clock an hour behind
        // lets each bucket close on the next bucket's first minute, never on the flush timer
        // while its own last minute is still in flight.
        now: () => feed.replayNow() - 3_600_000,
      });
      try {
        while (feed.subscriptions.length === 0) await new Promise((r) => setTimeout(r, 10));
        feed.startReplay();
        await feed.finished();
        const expected = aggregate(MINUTES, minutes).slice(0, -1); // the last bucket is still forming
        const stockId = (await upsertStocks(database.db, [{ symbol: SYMBOL }])).get(SYMBOL)!;
        let stored: Awaited<ReturnType<typeof loadRecentBars>> = [];
        for (let waited = 0; waited < 20_000 && stored.length < expected.length; waited += 50) {
          await running.stream.idle();
          stored = await loadRecentBars(database.db, { stockId, timeframe, limit: 100_000 });
          await new Promise((r) => setTimeout(r, 50));
        }
        const round = (bar: ReplayBar) => ({ ...bar, volume: Math.round(bar.volume) });
        expect(stored.slice(0, expected.length).map(round)).toEqual(expected.map(round));
        const finals = analyze(SYMBOL, stored).filter((r): r is SignalRecord => r.kind === "signal");
        const signals = await listSignals(database.db, { symbol: SYMBOL, timeframe, limit: 10_000 });
        expect(signals.map((s) => `${s.time} ${s.type}`).sort()).toEqual(
          finals.map((s) => `${s.time} ${s.type}`).sort(),
        );
        if (timeframe === "5m") expect(signals.length).toBeGreaterThan(5);
      } finally {
        await running.stop();
      }
    }, 90_000);
  }
});
