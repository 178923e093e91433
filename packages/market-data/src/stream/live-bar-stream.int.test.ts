import { fileURLToPath } from "node:url";
import { listLatestBars, loadRecentBars, upsertBars, upsertStocks } from "@vpa/db";
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
import { createUdfProvider } from "../providers/udf-provider.ts";
import { createLiveBarStream, type LiveBarStream, type LiveBarStreamEvent } from "./live-bar-stream.ts";

/**
 * The acceptance test: a stand-in feed replays real VN30F1M 15-minute bars fast-forwarded;
 * it is killed and restarted mid-stream, and later stops answering pings. The bars stored in
 * PostgreSQL must equal the replayed bars exactly — none lost, none doubled — and each bar must be
 * announced (enqueued for analysis) exactly once.
 */
const FIXTURE = fileURLToPath(new URL("../../../../fixtures/vn30f1m-15m-sample.csv", import.meta.url));
const SYMBOL = "VN30F1M";
const BAR_COUNT = 400;
const BAR_INTERVAL_MS = 15;

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("live bar stream against a replayed feed (VN30F1M 15m)", () => {
  const bars = readReplayBarsCsv(FIXTURE).slice(0, BAR_COUNT);
  let database: TestDatabase;
  let feed: BarStreamStandIn;
  let http: MarketDataStandIn;
  let stream: LiveBarStream | undefined;

  beforeAll(async () => {
    database = await createTestDatabase("vpa_stream");
    feed = await startBarStreamStandIn({
      symbol: SYMBOL,
      timeframe: "15m",
      bars,
      barIntervalMs: BAR_INTERVAL_MS,
      subscribeDelayMs: 4 * BAR_INTERVAL_MS, // bars fall due between the subscribe frame and its ack
    });
    // The HTTP provider knows what the feed has published so far, like a real one.
    http = await startMarketDataStandIn({
      bars: (symbol, timeframe) =>
        symbol === SYMBOL && timeframe === "15m" ? bars.slice(0, feed.publishedCount()) : undefined,
    });
  });

  afterAll(async () => {
    await stream?.stop();
    await feed?.close();
    await http?.close();
    await database?.drop();
  });

  it("stores every replayed bar once and announces it once across a kill/restart and a dead heartbeat", async () => {
    const stockId = (await upsertStocks(database.db, [{ symbol: SYMBOL, exchange: "HNX" }])).get(SYMBOL)!;
    const announced = new Map<string, number>();
    const events: LiveBarStreamEvent[] = [];
    stream = createLiveBarStream({
      url: feed.url,
      symbols: [SYMBOL],
      timeframe: "15m",
      exchange: "HNX",
      provider: createUdfProvider({
        baseUrl: http.baseUrl,
        retries: 2,
        backoff: { baseMs: 10, maxMs: 50, jitter: 0 },
      }),
      storeBars: async (_symbol, stored) => {
        await upsertBars(database.db, stockId, "15m", stored);
      },
      lastStoredBarTime: async (symbol) =>
        (await listLatestBars(database.db, "15m", [symbol]))[0]?.time ?? null,
      onBarClosed: async (_symbol, bar) => {
        announced.set(bar.time, (announced.get(bar.time) ?? 0) + 1);
      },
      now: () => feed.replayNow(),
      pingIntervalMs: 50,
      pongTimeoutMs: 200,
      reconnectBackoff: { baseMs: 20, maxMs: 200, jitter: 0.5 },
      retryBackoff: { baseMs: 20, maxMs: 200, jitter: 0.5 },
      subscribeAckTimeoutMs: 1_000,
      flushIntervalMs: 20,
      onEvent: (event) => events.push(event),
    });
    stream.start();
    await waitFor("the first subscription", () => stream!.status().state === "subscribed");
    feed.startReplay();

    // 1. Kill the feed mid-stream; bars keep falling due while it is down; restart it.
    await waitFor("bar 100", () => feed.publishedCount() >= 100);
    await feed.kill();
    await waitFor("bar 160", () => feed.publishedCount() >= 160);
    http.failNext(1, 503); // and the first backfill attempt after the restart meets a flaky provider
    await feed.restart();

    // 2. A half-dead connection: the feed stops answering pings; the heartbeat must notice.
    await waitFor("bar 250", () => feed.publishedCount() >= 250);
    feed.pausePongs(true);
    await waitFor("the heartbeat time-out", () => events.some((e) => e.type === "heartbeat-timeout"));
    feed.pausePongs(false);

    await feed.finished();
    const lastTime = bars.at(-1)!.time;
    await waitFor("the last bar", () => stream!.status().symbols[SYMBOL]?.lastBarTime === lastTime);
    await stream.idle();
    const status = stream.status();
    await stream.stop();

    // The faults really happened and really cost the live stream bars.
    expect(status.reconnects).toBeGreaterThanOrEqual(2);
    expect(feed.subscriptions.length).toBe(status.connections); // resubscribed on every connection
    expect(feed.sentCount()).toBeLessThan(bars.length);
    expect(status.bars.barsBackfilled).toBeGreaterThanOrEqual(bars.length - feed.sentCount());
    expect(status.messages.invalid).toBe(0);

    // No bar lost, none doubled, values intact.
    const stored = await loadRecentBars(database.db, { stockId, timeframe: "15m", limit: 10 * BAR_COUNT });
    expect(stored).toEqual(bars);
    // Announced exactly once each, in time order.
    expect([...announced.keys()]).toEqual(bars.map((bar) => bar.time));
    expect([...announced.values()].every((count) => count === 1)).toBe(true);
    expect(status.bars.barsCommitted).toBe(bars.length);
    expect(stream.stalenessSeconds()).toBe(0); // the newest bar ends at the replay's "now"
  }, 30_000);
});
