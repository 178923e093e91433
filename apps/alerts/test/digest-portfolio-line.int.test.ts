/**
 * A scan's digest end to end (inline fan-out, digest and delivery jobs; the real PostgreSQL, Redis
 * and the loopback Telegram Bot API) ends with the paper portfolios' line: each portfolio's last
 * close against VN30, in the subscriber's language; none when there is no portfolio.
 */
import {
  createPendingAlerts,
  createPortfolio,
  createScan,
  insertSignals,
  type SignalInput,
  savePortfolioAdvance,
  subscribe,
  upsertStocks,
} from "@vpa/db";
import {
  createLogger,
  createQueue,
  type QueueConnection,
  RedisRateLimiter,
  type TypedQueue,
} from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import {
  buildDigests,
  type Channel,
  type ChannelSender,
  createTelegramSender,
  deliver,
} from "../src/index.ts";
import { createPortfolioDayLookup } from "../src/portfolio-day-lookup.ts";
import {
  deliveryDeps,
  deliveryIdsOf,
  fanOutAndDeliver,
  type InlineFlowOptions,
} from "./support/alert-flow.ts";

const TOKEN = "123456:PORTFOLIO-line-abcdefghijklmnopqrstuvwxyz";
const logger = createLogger({ level: "silent", secrets: [TOKEN] });

let database: TestDatabase;
let telegram: TelegramStandIn;
let stockId: number;
let connection: QueueConnection;
let queues: { analyze: TypedQueue<"analyze">; deliveries: TypedQueue<"deliveries"> };
let limiter: RedisRateLimiter;

beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN });
  stockId = (await upsertStocks(database.db, [{ symbol: "HPG", exchange: "HOSE" }])).get("HPG")!;
  connection = testQueueConnection();
  queues = { analyze: createQueue("analyze", connection), deliveries: createQueue("deliveries", connection) };
  limiter = new RedisRateLimiter({ redisUrl: connection.redisUrl, prefix: connection.prefix });
});
afterAll(async () => {
  await limiter?.close();
  await obliterateQueues(queues === undefined ? [] : Object.values(queues));
  if (connection !== undefined) await removeQueuePrefix(connection);
  await telegram?.close();
  await database?.drop();
});
beforeEach(async () => {
  telegram.reset();
  await sql`truncate subscribers, alerts, scans, vpa_signals, portfolios cascade`.execute(database.db);
});

function inline(): InlineFlowOptions {
  const senders = new Map<Channel, ChannelSender>([
    ["telegram", createTelegramSender({ token: TOKEN, apiRoot: telegram.apiRoot })],
  ]);
  return { db: database.db, senders, deliveriesQueue: queues.deliveries, limiter, logger };
}

function spring(time: string, score: number): SignalInput {
  return {
    time,
    type: "SPRING",
    bias: "bull",
    score,
    confidence: 0.5,
    priority: "MEDIUM",
    variant: "spring",
    features: { vr: 0.8, sr: 1.1, cl: 0.7, trend: "flat" },
    close: 45.6,
    volume: 2_000_000,
    priceChange: 0.012,
  };
}

/** A portfolio stepped to `through` with these daily returns and VN30 closes. */
async function storePortfolio(name: string, rows: readonly [string, number, number][]): Promise<void> {
  const portfolio = (await createPortfolio(database.db, {
    name,
    config: { strategy: { initialCapital: 500_000_000 }, symbols: "ALL", benchmark: "VN30" },
    startedOn: rows[0]![0],
    state: {},
  }))!;
  await savePortfolioAdvance(database.db, {
    portfolioId: portfolio.id,
    fromSession: null,
    lastSession: rows.at(-1)![0],
    state: {},
    open: [],
    closed: [],
    performance: rows.map(([date, dailyReturn, indexClose]) => ({
      date,
      cash: 500_000_000,
      invested: 0,
      value: 500_000_000 * (1 + dailyReturn),
      positions: 0,
      dailyReturn,
      indexClose,
    })),
  });
}

/** One scan of two signals dated 2021-12-30 → one digest per subscriber, delivered inline. */
async function scanAndDeliverDigests(): Promise<void> {
  const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
  const stored = await insertSignals(database.db, stockId, "1D", [
    spring("2021-12-30", 74),
    { ...spring("2021-12-30", 55), type: "TEST", variant: null },
  ]);
  await createPendingAlerts(
    database.db,
    stored.map((s) => ({ signalId: s.id, priority: "MEDIUM" as const })),
    scanId,
  );
  for (const s of stored) await fanOutAndDeliver(s.id, inline());
  const built = await buildDigests(
    { scanId },
    { db: database.db, analyzeQueue: queues.analyze, deliveriesQueue: queues.deliveries },
  );
  expect(built).toMatchObject({ kind: "built" });
  // A fresh lookup per scan: the shared one keeps a reading for a minute.
  const deps = { ...deliveryDeps(inline()), portfolioDays: createPortfolioDayLookup(database.db) };
  for (const deliveryId of deliveryIdsOf(built.kind === "built" ? built.deliveryJobIds : []))
    await deliver({ deliveryId }, deps);
}

async function subscribeChat(chat: string, language: "vi" | "en"): Promise<void> {
  await subscribe(database.db, { channel: "telegram", address: chat });
  await sql`update subscribers set language = ${language}, delivery_mode = 'digest' where address = ${chat}`.execute(
    database.db,
  );
}

const digestTo = (chat: string) =>
  telegram.sentMessages.filter((m) => m.chatId === chat).map((m) => m.plainText);

describe("the digest's paper portfolio line", () => {
  it("ends every digest with each portfolio's day against VN30, in the subscriber's language", async () => {
    await subscribeChat("601", "vi");
    await subscribeChat("602", "en");
    await storePortfolio("vn30", [
      ["2021-12-29", 0.001, 1_500],
      ["2021-12-30", 0.008, 1_504.5],
    ]);
    await scanAndDeliverDigests();
    const [vietnamese] = digestTo("601");
    const [english] = digestTo("602");
    expect(vietnamese?.split("\n").at(-1)).toBe(
      "💼 Danh mục mẫu vn30 +0,8 % hôm nay, VN30 +0,3 % / Paper portfolio vn30 +0,8 % today, VN30 +0,3 %",
    );
    expect(english?.split("\n").at(-1)).toBe("💼 Paper portfolio vn30 +0.8% today, VN30 +0.3%");
    // Exactly one digest each: the line rides on it, it is not a message of its own.
    expect(telegram.sentMessages).toHaveLength(2);
  });

  it("has no portfolio line when there is no paper portfolio", async () => {
    await subscribeChat("603", "en");
    await scanAndDeliverDigests();
    const [digest] = digestTo("603");
    expect(digest).toContain("Scan digest: 2 signals");
    expect(digest).not.toContain("portfolio");
  });
});
