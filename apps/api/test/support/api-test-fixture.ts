/**
 * A running API for a test file, on its own database (a template clone) and its own queue prefix:
 * three stocks with 80 daily bars each, signals on known bars, and one key of each role plus a
 * revoked one. `close()` removes everything it made (the leak check verifies it).
 */
import { Writable } from "node:stream";
import {
  type ApiKeyRole,
  insertApiKey,
  insertSignals,
  revokeApiKey,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import {
  createLogger,
  createMetrics,
  createQueue,
  type Metrics,
  type QueueConnection,
  type QueueName,
  type TypedQueue,
} from "@vpa/runtime";
import type { FastifyInstance } from "fastify";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../../test-support/queues.ts";
import { seededRandom } from "../../../../test-support/seeded-random.ts";
import type { ApiContext } from "../../src/api-context.ts";
import { generateApiKeySecret, hashApiKeySecret } from "../../src/api-key-secret.ts";
import { ApiRateLimiter } from "../../src/api-rate-limiter.ts";
import { buildApiApp } from "../../src/build-api-app.ts";

export const FIXTURE_SYMBOLS = [
  { symbol: "VCB", exchange: "HOSE", name: "Vietcombank" },
  { symbol: "FPT", exchange: "HOSE", name: "FPT Corp" },
  { symbol: "SHB", exchange: "HNX", name: "SHB" },
] as const;

/** 80 sessions from 2024-01-02, weekdays only. */
export function fixtureSessions(): string[] {
  const sessions: string[] = [];
  const day = new Date("2024-01-02T00:00:00Z");
  while (sessions.length < 80) {
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) sessions.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return sessions;
}

/** The signals stored: symbol, session index, type, bias, score. The last session is "today". */
export const FIXTURE_SIGNALS = [
  { symbol: "VCB", session: 20, type: "SELLING_CLIMAX", bias: "bull", score: 81 },
  { symbol: "VCB", session: 45, type: "SPRING", bias: "bull", score: 74 },
  { symbol: "VCB", session: 79, type: "NO_SUPPLY", bias: "bull", score: 66 },
  { symbol: "FPT", session: 79, type: "UPTHRUST", bias: "bear", score: 88 },
  { symbol: "FPT", session: 60, type: "STOPPING_VOLUME", bias: "bull", score: 59 },
  { symbol: "SHB", session: 79, type: "SPRING", bias: "bull", score: 72 },
  { symbol: "SHB", session: 79, type: "NO_DEMAND", bias: "bear", score: 55 },
] as const;

export interface ApiFixture {
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  readonly connection: QueueConnection;
  readonly context: ApiContext;
  readonly metrics: Metrics;
  /** Secrets by role, and a revoked one. */
  readonly keys: Record<ApiKeyRole | "revoked", string> & {
    readonly ids: Record<ApiKeyRole | "revoked", number>;
  };
  /** Every log line written, parsed. */
  readonly logLines: Record<string, unknown>[];
  readonly sessions: string[];
  /** Opens one more key. */
  createKey(role: ApiKeyRole, name?: string): Promise<{ id: number; secret: string }>;
  close(): Promise<void>;
}

export async function startApiFixture(
  options: { rateLimitPerMinute?: number; bodyLimitBytes?: number } = {},
): Promise<ApiFixture> {
  const database = await createTestDatabase();
  const connection = testQueueConnection();
  const sessions = fixtureSessions();
  const ids = await upsertStocks(
    database.db,
    FIXTURE_SYMBOLS.map((s) => ({ ...s })),
  );
  for (const [index, { symbol }] of FIXTURE_SYMBOLS.entries()) {
    const next = seededRandom(100 + index);
    let close = 20 + index * 15;
    const bars = sessions.map((time) => {
      const open = close;
      close = Math.max(1, open * (1 + (next() - 0.5) * 0.06));
      return {
        time,
        open,
        high: Math.max(open, close) * (1 + next() * 0.02),
        low: Math.min(open, close) * (1 - next() * 0.02),
        close,
        volume: Math.round(1e5 + next() * 9e5),
      };
    });
    await upsertBars(database.db, ids.get(symbol) as number, "1D", bars);
    const signals = FIXTURE_SIGNALS.filter((s) => s.symbol === symbol).map((s) => {
      const bar = bars[s.session] as (typeof bars)[number];
      return {
        time: bar.time,
        type: s.type,
        bias: s.bias,
        score: s.score,
        confidence: 0.7,
        priority: s.score >= 80 ? ("HIGH" as const) : ("MEDIUM" as const),
        variant: null,
        features: { vr: 2.5, sr: 1.4, cl: 0.8, trend: "up" },
        close: bar.close,
        volume: bar.volume,
        priceChange: 0.01,
      };
    });
    await insertSignals(database.db, ids.get(symbol) as number, "1D", signals);
  }

  const logLines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim() !== "") logLines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: "info", secrets: [], destination });
  const metrics = createMetrics({ collectProcessMetrics: false });
  const settings = Object.freeze({
    port: 0,
    corsOrigins: Object.freeze(["https://dash.example.com"]),
    rateLimitPerMinute: options.rateLimitPerMinute ?? 10_000,
    bodyLimitBytes: options.bodyLimitBytes ?? 65_536,
  });
  const rateLimiter = new ApiRateLimiter({
    redisUrl: connection.redisUrl,
    prefix: connection.prefix,
    perMinute: settings.rateLimitPerMinute,
  });
  const queues = new Map<QueueName, TypedQueue<QueueName>>();
  const scans: { symbols?: readonly string[] }[] = [];
  const context: ApiContext = {
    db: database.db,
    connection,
    queue: <Q extends QueueName>(name: Q) => {
      let queue = queues.get(name);
      if (queue === undefined) {
        queue = createQueue(name, connection) as unknown as TypedQueue<QueueName>;
        queues.set(name, queue);
      }
      return queue as unknown as TypedQueue<Q>;
    },
    metrics,
    logger,
    settings,
    rateLimiter,
    requestScan: async (request) => {
      scans.push(request);
      return { symbols: request.symbols?.length ?? FIXTURE_SYMBOLS.length, scanId: null };
    },
  };
  const app = await buildApiApp(context);
  await app.ready();

  const createKey = async (role: ApiKeyRole, name = `${role} key`) => {
    const secret = generateApiKeySecret();
    const key = await insertApiKey(database.db, { name, role, secretHash: hashApiKeySecret(secret) });
    return { id: key.id, secret };
  };
  const reader = await createKey("reader");
  const trader = await createKey("trader");
  const admin = await createKey("admin");
  const revoked = await createKey("trader", "revoked key");
  await revokeApiKey(database.db, revoked.id);

  return {
    app,
    database,
    connection,
    context,
    metrics,
    keys: {
      reader: reader.secret,
      trader: trader.secret,
      admin: admin.secret,
      revoked: revoked.secret,
      ids: { reader: reader.id, trader: trader.id, admin: admin.id, revoked: revoked.id },
    },
    logLines,
    sessions,
    createKey,
    async close() {
      await app.close();
      await rateLimiter.close();
      for (const queue of queues.values()) await queue.close();
      await removeQueuePrefix(connection);
      await database.drop();
    },
  };
}

export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
