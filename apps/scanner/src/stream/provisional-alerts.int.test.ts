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
import { obliterateQueues, removeQueuePrefix, testQueueConnection } from "../../../../test-support/queues.ts";
import type { ProvisionalEvent } from "./provisional-alerts.ts";
import { createProvisionalLedgerRedis } from "./provisional-ledger-redis.ts";
import { type RunningLiveStream, startLiveStream } from "./start-live-stream.ts";

/**
 * Provisional signals on the live path (vpa-signals.md §10), on the real VN30F1M minutes: the
 * stand-in feed publishes each bar half-formed, then at 80 %, then closed. A restart mid-replay
 * must not repeat a provisional alert (the Redis claim), every provisional alert gets exactly one
 * follow-up at its bar's close (held when the closed bar has that signal, else did-not-hold), and
 * nothing provisional is stored: the signal history equals the batch analysis of the stored bars.
 */
const ROOT = resolve(import.meta.dirname, "../../../..");
const SYMBOL = "VN30F1M";
const BARS = readReplayBarsCsv(resolve(ROOT, "fixtures/vn30f1m-1m-sample.csv")).slice(0, 500);
// A forming bar is evaluated only once its symbol's previous bar is analysed (a lagging worker
// skips rather than judge on stale state): 50 ms a bar keeps the worker up even on a loaded machine.
const BAR_INTERVAL_MS = 50;
const logger = createLogger({ level: "silent", secrets: [] });

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("provisional alerts on the live stream (VN30F1M 1m)", () => {
  const connection = testQueueConnection();
  const alertsQueue = createQueue("alerts", connection);
  const redis = createProvisionalLedgerRedis(connection);
  const events: ProvisionalEvent[] = [];
  const metrics = createMetrics({ collectProcessMetrics: false });
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
      formingSnapshots: [0.5, 0.8],
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
    redis.disconnect();
    await removeQueuePrefix(connection);
    await database?.drop();
  });

  const start = () =>
    startLiveStream({
      db: database.db,
      alertsQueue,
      warmUpBars: 5_000,
      provider: createUdfProvider({
        baseUrl: http.baseUrl,
        retries: 2,
        backoff: { baseMs: 10, maxMs: 50, jitter: 0 },
      }),
      metrics,
      logger,
      name: "replay",
      url: feed.url,
      symbols: [SYMBOL],
      timeframe: "1m",
      defaultExchange: "HNX",
      now: () => feed.replayNow(),
      provisional: {
        redis,
        prefix: connection.prefix,
        sink: async (event) => {
          events.push(event);
        },
      },
    });

  const storedBarCount = async () =>
    (
      await sql<{ n: number }>`select count(*)::int as n from market_data where timeframe = '1m'`.execute(
        database.db,
      )
    ).rows[0]?.n ?? 0;

  it("alerts each provisional signal once, follows each up once at the close, stores none", async () => {
    running = await start();
    await until("the subscription", async () => feed.subscriptions.length > 0);
    feed.startReplay();
    await until("half the bars", async () => (await storedBarCount()) >= BARS.length / 2);
    await running.stop();
    running = await start();
    await feed.finished();
    await until("every bar stored", async () => (await storedBarCount()) >= BARS.length);
    await running.stream.idle();
    await running.provisional?.idle();

    const provisional = events.filter((e) => e.kind === "provisional");
    expect(provisional.length).toBeGreaterThan(5);
    const keyOf = (symbol: string, barTime: string, type: string) => `${symbol} ${barTime} ${type}`;
    const alerted = provisional.map((e) => keyOf(e.record.symbol, e.record.time, e.record.type));
    expect(new Set(alerted).size).toBe(alerted.length); // once per symbol, bar and type, restart included
    for (const e of provisional) expect(e.record.kind).toBe("provisional");

    // Nothing provisional is stored: the history is exactly the batch analysis of the stored bars.
    const stockId = (await upsertStocks(database.db, [{ symbol: SYMBOL }])).get(SYMBOL)!;
    const bars = await loadRecentBars(database.db, { stockId, timeframe: "1m", limit: 100_000 });
    expect(bars.length).toBe(BARS.length);
    const finals = analyze(SYMBOL, bars).filter((r): r is SignalRecord => r.kind === "signal");
    const stored = await listSignals(database.db, { symbol: SYMBOL, timeframe: "1m", limit: 100_000 });
    expect(stored.map((s) => `${s.time} ${s.type}`).sort()).toEqual(
      finals.map((s) => `${s.time} ${s.type}`).sort(),
    );

    // One follow-up per provisional alert whose bar closed in a process that knew of it, saying
    // whether the closed bar has the signal. (A bar that closed while the worker was down was
    // backfilled after the restart; its claims survive in Redis, so it is followed up too.)
    const finalKeys = new Set(finals.map((s) => keyOf(s.symbol, s.time, s.type)));
    const followUps = events.filter((e) => e.kind !== "provisional");
    const followed = followUps.map((e) => keyOf(e.symbol, e.barTime, e.type));
    expect(new Set(followed).size).toBe(followed.length);
    expect([...followed].sort()).toEqual([...alerted].sort());
    for (const e of followUps)
      expect(e.kind, keyOf(e.symbol, e.barTime, e.type)).toBe(
        finalKeys.has(keyOf(e.symbol, e.barTime, e.type)) ? "held" : "did-not-hold",
      );
    expect(followUps.some((e) => e.kind === "held")).toBe(true);

    // What an operator sees: the same counts in the metrics, and one handling time per closed bar.
    const alertsByKind = Object.fromEntries(
      (await metrics.provisionalAlerts.get()).values.map((v) => [v.labels.kind, v.value]),
    );
    expect(alertsByKind.provisional).toBe(provisional.length);
    expect((alertsByKind.held ?? 0) + (alertsByKind["did-not-hold"] ?? 0)).toBe(followUps.length);
    const handled = (await metrics.streamBarHandling.get()).values.find(
      (v) => v.metricName === "vpa_stream_bar_handling_seconds_count",
    );
    expect(handled?.value).toBe(BARS.length);
  }, 90_000);
});
