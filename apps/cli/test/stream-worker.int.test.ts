import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { createQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BarStreamStandIn,
  readReplayBarsCsv,
  startBarStreamStandIn,
} from "../../../test-support/bar-stream-stand-in.ts";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import {
  type MarketDataStandIn,
  startMarketDataStandIn,
} from "../../../test-support/market-data-stand-in.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const BARS = readReplayBarsCsv(resolve(ROOT, "fixtures/vn30f1m-15m-sample.csv")).slice(0, 60);
const connection = testQueueConnection();

let database: TestDatabase;
let feed: BarStreamStandIn;
let http: MarketDataStandIn;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  feed = await startBarStreamStandIn({ symbol: "VN30F1M", timeframe: "15m", bars: BARS, barIntervalMs: 20 });
  http = await startMarketDataStandIn({
    bars: (symbol, timeframe) =>
      symbol === "VN30F1M" && timeframe === "15m" ? BARS.slice(0, feed.publishedCount()) : undefined,
  });
});
afterAll(async () => {
  if (worker !== undefined && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((done) => worker?.once("exit", done));
    worker.kill("SIGKILL");
    await exited;
  }
  await feed?.close();
  await http?.close();
  // The alert jobs, the queues `vpa status` opened to count, and the stream's status entry.
  await removeQueuePrefix(connection);
  await database?.drop();
});

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("vpa worker stream", () => {
  it("refuses to start without a feed, naming every missing variable", () => {
    const result = spawnSync(
      resolve(ROOT, "node_modules/.bin/node"),
      ["apps/cli/src/main.ts", "worker", "stream"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH ?? "",
          DATABASE_URL: database.url,
          REDIS_URL: connection.redisUrl,
          QUEUE_PREFIX: connection.prefix,
          HTTP_PORT: "0",
        },
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(2);
    for (const name of ["STREAM_URL", "STREAM_SYMBOLS", "MARKET_DATA_URL"])
      expect(result.stderr).toContain(name);
  });

  it("stores every streamed bar, stores its signals with one alert job each, and shows up in vpa status", async () => {
    const env = {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: database.url,
      REDIS_URL: connection.redisUrl,
      QUEUE_PREFIX: connection.prefix,
      HTTP_PORT: "0",
      STREAM_URL: feed.url,
      STREAM_SYMBOLS: "VN30F1M",
      STREAM_NAME: "replay",
      STREAM_EXCHANGE: "HNX",
      MARKET_DATA_URL: http.baseUrl,
      LOG_LEVEL: "warn",
    };
    worker = spawn(resolve(ROOT, "node_modules/.bin/node"), ["apps/cli/src/main.ts", "worker", "stream"], {
      cwd: ROOT,
      env,
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((done) => worker?.on("exit", (code) => done(code)));
    await until("the subscription", async () => feed.subscriptions.length > 0);
    feed.startReplay();
    await feed.finished();
    const count = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from market_data where timeframe = '15m'`.execute(
          database.db,
        )
      ).rows[0]?.n ?? 0;
    await until("every bar stored", async () => (await count()) === BARS.length);
    const stored = await sql<{
      close: number;
    }>`select close from market_data where timeframe = '15m' order by time`.execute(database.db);
    expect(stored.rows.map((r) => r.close)).toEqual(BARS.map((b) => b.close));
    // Each closed bar is analysed in the worker (streaming): its signals stored, one alert job each.
    const signals = await sql<{ n: number }>`select count(*)::int as n from vpa_signals`.execute(database.db);
    expect(signals.rows[0]?.n).toBeGreaterThan(0);
    const alerts = createQueue("alerts", connection);
    expect(await alerts.queue.count()).toBe(signals.rows[0]?.n);
    await alerts.close();

    await new Promise((r) => setTimeout(r, 5_500)); // the status is published every 5 s
    const status = spawnSync(
      resolve(ROOT, "node_modules/.bin/node"),
      ["apps/cli/src/main.ts", "status", "--json"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env,
        timeout: 30_000,
      },
    );
    const report = JSON.parse(status.stdout) as {
      streams: Record<string, { connected: boolean; bars: { barsCommitted: number } }>;
    };
    expect(report.streams.replay?.connected).toBe(true);
    expect(report.streams.replay?.bars.barsCommitted).toBe(BARS.length);

    worker.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 60_000);
});
