import { resolve } from "node:path";
import { analyze, type SignalRecord } from "@vpa/core";
import { listSignals, loadRecentBars, upsertStocks } from "@vpa/db";
import { createUdfProvider } from "@vpa/market-data";
import { createLogger, createMetrics, createQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BarStreamStandIn,
  readReplayBarsCsv,
  startBarStreamStandIn,
} from "../../../../test-support/bar-stream-stand-in.ts";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import {
  type MarketDataStandIn,
  startMarketDataStandIn,
} from "../../../../test-support/market-data-stand-in.ts";
import { obliterateQueues, testQueueConnection } from "../../../../test-support/queues.ts";
import { type RunningLiveStream, startLiveStream } from "./start-live-stream.ts";

/**
 * The live path end to end on real data: the stand-in feed replays VN30F1M 1-minute bars (the
 * fixture slice of ../shared/data/vn30f1m-1m-2023-11-2024-01.csv); the stream worker analyses each
 * closed bar with its streaming analyzer and stores and alerts the signals. Halfway through, the
 * worker is stopped and a new one started (a restart: it warms from the stored bars and backfills
 * the bars it missed). The stored signals must equal a batch analysis of the stored bars, and each
 * signal must have one alert and one alert job: nothing doubled across the restart.
 */
const ROOT = resolve(import.meta.dirname, "../../../..");
const SYMBOL = "VN30F1M";
const BARS = readReplayBarsCsv(resolve(ROOT, "fixtures/vn30f1m-1m-sample.csv")).slice(0, 600);
const BAR_INTERVAL_MS = 8;
const logger = createLogger({ level: "silent", secrets: [] });

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("live stream worker: streaming analysis of closed bars (VN30F1M 1m)", () => {
  const connection = testQueueConnection();
  const alertsQueue = createQueue("alerts", connection);
  let database: TestDatabase;
  let feed: BarStreamStandIn;
  let http: MarketDataStandIn;
  let running: RunningLiveStream | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    await upsertStocks(database.db, [{ symbol: SYMBOL, exchange: "HNX" }]);
    feed = await startBarStreamStandIn({
      symbol: SYMBOL,
      timeframe: "1m",
      bars: BARS,
      barIntervalMs: BAR_INTERVAL_MS,
    });
    http = await startMarketDataStandIn({
      bars: (symbol, timeframe) =>
        symbol === SYMBOL && timeframe === "1m" ? BARS.slice(0, feed.publishedCount()) : undefined,
    });
  });
  afterAll(async () => {
    await running?.stop();
    await feed?.close();
    await http?.close();
    await obliterateQueues([alertsQueue]);
    await database?.drop();
  });

  async function start(): Promise<RunningLiveStream> {
    return startLiveStream({
      db: database.db,
      alertsQueue,
      warmUpBars: 5_000,
      provider: createUdfProvider({
        baseUrl: http.baseUrl,
        retries: 2,
        backoff: { baseMs: 10, maxMs: 50, jitter: 0 },
      }),
      metrics: createMetrics({ collectProcessMetrics: false }),
      logger,
      name: "replay",
      url: feed.url,
      symbols: [SYMBOL],
      timeframe: "1m",
      defaultExchange: "HNX",
    });
  }

  const storedBarCount = async () =>
    (
      await sql<{ n: number }>`select count(*)::int as n from market_data where timeframe = '1m'`.execute(
        database.db,
      )
    ).rows[0]?.n ?? 0;

  it("stores the signals a batch analysis of the same bars finds, each alerted once, across a restart", async () => {
    running = await start();
    await until("the subscription", async () => feed.subscriptions.length > 0);
    feed.startReplay();
    await until("half the bars", async () => (await storedBarCount()) >= BARS.length / 2);
    await running.stop(); // the worker goes away mid-stream...
    running = await start(); // ...and a new one warms from the store and backfills the gap
    await feed.finished();
    await until("every bar stored", async () => {
      await running?.stream.idle();
      return (await storedBarCount()) >= BARS.length - 1;
    });
    await running.stream.idle();

    const stockId = (await upsertStocks(database.db, [{ symbol: SYMBOL }])).get(SYMBOL)!;
    const bars = await loadRecentBars(database.db, { stockId, timeframe: "1m", limit: 100_000 });
    const expected = analyze(SYMBOL, bars).filter((r): r is SignalRecord => r.kind === "signal");
    expect(expected.length).toBeGreaterThan(10);
    const stored = await listSignals(database.db, { symbol: SYMBOL, timeframe: "1m", limit: 100_000 });
    const key = (s: { time: string; type: string; score: number; confidence: number }) =>
      `${s.time} ${s.type} ${s.score} ${s.confidence.toFixed(2)}`;
    expect(stored.map(key).sort()).toEqual(expected.map(key).sort());

    const alerts = await sql<{ signals: number; alerts: number }>`
      select count(distinct signal_id)::int as signals, count(*)::int as alerts from alerts`.execute(
      database.db,
    );
    expect(alerts.rows[0]).toEqual({ signals: stored.length, alerts: stored.length });
    // One alert job per signal (nothing consumes them here): the restart queued none twice.
    expect(await alertsQueue.queue.count()).toBe(stored.length);
  }, 90_000);
});
