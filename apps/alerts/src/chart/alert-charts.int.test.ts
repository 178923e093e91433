// Get-or-render of an alert's chart against the real PostgreSQL (bars, signal) and Redis (cache).
import { insertSignals, type SignalInput, upsertBars, upsertStocks } from "@vpa/db";
import { createLogger, createMetrics, type Metrics, type QueueConnection } from "@vpa/runtime";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { testQueueConnection } from "../../../../test-support/queues.ts";
import { readPngSize } from "../../test/support/decode-png.ts";
import type { MessageImage } from "../render/rendered-message.ts";
import { createAlertCharts } from "./alert-charts.ts";
import { type ChartCache, DEFAULT_CHART_TTL_MS, RedisChartCache } from "./redis-chart-cache.ts";

const logger = createLogger({ level: "silent", secrets: [] });
let database: TestDatabase;
let connection: QueueConnection;
let cache: RedisChartCache;
let redis: Redis;
let stockId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  connection = testQueueConnection();
  cache = new RedisChartCache({ redisUrl: connection.redisUrl, prefix: connection.prefix });
  redis = new Redis(connection.redisUrl);
  stockId = (await upsertStocks(database.db, [{ symbol: "VCB", exchange: "HOSE" }])).get("VCB")!;
  const start = Date.UTC(2020, 0, 1);
  await upsertBars(
    database.db,
    stockId,
    "1D",
    Array.from({ length: 80 }, (_, i) => ({
      time: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      open: 23 + Math.sin(i / 4),
      high: 24 + Math.sin(i / 4),
      low: 22 + Math.sin(i / 4),
      close: 23.5 + Math.sin(i / 4),
      volume: 1_000_000 + i * 1_000,
    })),
  );
});
afterAll(async () => {
  const keys = await redis?.keys(`${connection.prefix}:*`);
  if (keys !== undefined && keys.length > 0) await redis.unlink(...keys);
  redis?.disconnect();
  await cache?.close();
  await database?.drop();
});

let day = 60;
async function storeSignal(): Promise<number> {
  day++;
  const time = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
  const input: SignalInput = {
    time,
    type: "SELLING_CLIMAX",
    bias: "bull",
    score: 87,
    confidence: 0.65,
    priority: "HIGH",
    variant: null,
    features: { vr: 2.8, sr: 1.9, cl: 0.7, trend: "down" },
    close: 23.45,
    volume: 1_000_000,
    priceChange: 0.02,
  };
  const [stored] = await insertSignals(database.db, stockId, "1D", [input]);
  return stored!.id;
}

/** `vpa_alert_charts_total` by source, as a worker's /metrics serves it. */
async function chartSources(metrics: Metrics): Promise<Record<string, number>> {
  const { values } = await metrics.alertCharts.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.source), v.value]));
}

/** Counts the drawings by counting what is written to the cache. */
function countingCache(inner: RedisChartCache): ChartCache & { sets: number; gets: number } {
  const counting = {
    sets: 0,
    gets: 0,
    claimDrawing: (key: number, ttlMs: number) => inner.claimDrawing(key, ttlMs),
    releaseDrawing: (key: number) => inner.releaseDrawing(key),
    get(signalId: number) {
      counting.gets++;
      return inner.get(signalId);
    },
    async set(signalId: number, image: MessageImage) {
      counting.sets++;
      await inner.set(signalId, image);
    },
  };
  return counting;
}

describe("alert charts: get or render", () => {
  it("draws a signal's chart once, caches it in Redis for a day, and serves the cached bytes after", async () => {
    const signalId = await storeSignal();
    const charts = createAlertCharts({ db: database.db, cache, logger });

    const first = await charts.imageFor(signalId);

    expect(first).not.toBeNull();
    expect(readPngSize(first!.png)).toEqual({ width: 800, height: 450 });
    expect(first!.alt).toMatch(/^Chart of VCB \(1D\): the last 60 bars to 2020-03-02/);
    const key = `${connection.prefix}:chart:${signalId}`;
    expect(await redis.hkeys(key)).toEqual(expect.arrayContaining(["png", "alt"]));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(DEFAULT_CHART_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(DEFAULT_CHART_TTL_MS);

    // The bars change: a second worker gets the same bytes, so they came from the cache.
    await sql`update market_data set close = close + 1 where stock_id = ${stockId}`.execute(database.db);
    const other = createAlertCharts({ db: database.db, cache, logger });
    const second = await other.imageFor(signalId);
    expect(Buffer.from(second!.png).equals(Buffer.from(first!.png))).toBe(true);
    expect(second!.alt).toBe(first!.alt);
  });

  it("draws once for concurrent deliveries of one signal in a process", async () => {
    const signalId = await storeSignal();
    const counting = countingCache(cache);
    const charts = createAlertCharts({ db: database.db, cache: counting, logger });
    const images = await Promise.all(Array.from({ length: 5 }, () => charts.imageFor(signalId)));
    expect(counting.sets).toBe(1);
    expect(new Set(images.map((image) => Buffer.from(image!.png).toString("base64"))).size).toBe(1);
  });

  it("serves the later deliveries of a signal from the process: one Redis read, then none", async () => {
    const signalId = await storeSignal();
    await createAlertCharts({ db: database.db, cache, logger }).imageFor(signalId);
    const counting = countingCache(cache);
    const charts = createAlertCharts({ db: database.db, cache: counting, logger });
    const first = await charts.imageFor(signalId);
    for (let i = 0; i < 20; i++) expect(await charts.imageFor(signalId)).toBe(first);
    expect(counting.gets).toBe(1);
    expect(counting.sets).toBe(0);
  });

  it("draws once across processes: a second process waits for the drawing under way in the first", async () => {
    const signalId = await storeSignal();
    const counting = countingCache(cache);
    // Two processes (each its own in-process memory and metrics), one Redis: two alerts workers'
    // deliveries of one signal asking at the same moment.
    const metrics = [
      createMetrics({ collectProcessMetrics: false }),
      createMetrics({ collectProcessMetrics: false }),
    ];
    const first = createAlertCharts({ db: database.db, cache: counting, logger, metrics: metrics[0] });
    const second = createAlertCharts({ db: database.db, cache: counting, logger, metrics: metrics[1] });
    const [drawn, waited] = await Promise.all([first.imageFor(signalId), second.imageFor(signalId)]);
    expect(counting.sets).toBe(1);
    expect(Buffer.from(waited!.png).equals(Buffer.from(drawn!.png))).toBe(true);
    // What each worker's /metrics says: one drew it, the other read it from the cache.
    const sources = await Promise.all(metrics.map(chartSources));
    expect(sources.map((s) => s.drawn ?? 0).sort()).toEqual([0, 1]);
    expect(sources.map((s) => s.cache ?? 0).sort()).toEqual([0, 1]);
    // Within a process a chart already in hand is not counted again.
    await first.imageFor(signalId);
    expect(await chartSources(metrics[0]!)).toEqual(sources[0]);
  });

  it("draws it itself when the process that claimed the drawing never delivers it (bounded wait)", async () => {
    const signalId = await storeSignal();
    // A claim left by a process that died mid-drawing: no chart will come.
    expect(await cache.claimDrawing(signalId, 60_000)).toBe(true);
    const charts = createAlertCharts({ db: database.db, cache, logger, drawingWaitMs: 300 });
    const started = performance.now();
    const image = await charts.imageFor(signalId);
    expect(image).not.toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await redis.exists(`${connection.prefix}:chart:${signalId}`)).toBe(1);
  });

  it("does not make the next delivery wait when a drawing came to no chart (the claim is released)", async () => {
    const signalId = await storeSignal();
    await sql`delete from market_data where stock_id = ${stockId} and time = (select time from vpa_signals where id = ${signalId})`.execute(
      database.db,
    );
    const first = createAlertCharts({ db: database.db, cache, logger });
    expect(await first.imageFor(signalId)).toBeNull();
    // Another process, and the same one again: each finds the drawing free at once (the default
    // wait is 2 s), tries, and has no chart either.
    const other = createAlertCharts({ db: database.db, cache, logger });
    const started = performance.now();
    expect(await other.imageFor(signalId)).toBeNull();
    expect(await first.imageFor(signalId)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await redis.exists(`${connection.prefix}:chart:${signalId}:drawing`)).toBe(0);
  });

  it("has no chart, and caches nothing, for a signal without its bar or without a row", async () => {
    const signalId = await storeSignal();
    await sql`delete from market_data where stock_id = ${stockId} and time = (select time from vpa_signals where id = ${signalId})`.execute(
      database.db,
    );
    const metrics = createMetrics({ collectProcessMetrics: false });
    const charts = createAlertCharts({ db: database.db, cache, logger, metrics });
    expect(await charts.imageFor(signalId)).toBeNull();
    expect(await charts.imageFor(987_654)).toBeNull();
    expect(await redis.exists(`${connection.prefix}:chart:${signalId}`)).toBe(0);
    expect(await chartSources(metrics)).toEqual({ none: 2 });
  });

  it("still draws the chart when Redis cannot be reached, and never throws", async () => {
    const signalId = await storeSignal();
    const unreachable = new RedisChartCache({ redisUrl: "redis://127.0.0.1:1", prefix: connection.prefix });
    try {
      const charts = createAlertCharts({ db: database.db, cache: unreachable, logger });
      const image = await charts.imageFor(signalId);
      expect(image).not.toBeNull();
      expect(readPngSize(image!.png)).toEqual({ width: 800, height: 450 });
    } finally {
      await unreachable.close();
    }
  });

  it("warms the drawing up as a worker starts, and caches, claims or reads nothing for it", async () => {
    const counting = countingCache(cache);
    const lines: string[] = [];
    const listening = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const charts = createAlertCharts({ db: database.db, cache: counting, logger: listening });
    const keysBefore = await redis.keys(`${connection.prefix}:*`);
    await charts.warmUp();
    expect(lines.some((line) => line.includes("chart drawing warmed up"))).toBe(true);
    expect((await redis.keys(`${connection.prefix}:*`)).sort()).toEqual(keysBefore.sort());
    expect({ sets: counting.sets, gets: counting.gets }).toEqual({ sets: 0, gets: 0 });
    // The signals drawn after it are drawn as before.
    const image = await charts.imageFor(await storeSignal());
    expect(readPngSize(image!.png)).toEqual({ width: 800, height: 450 });
  });
});
