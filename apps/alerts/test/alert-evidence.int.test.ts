/**
 * An alert and a digest end to end (inline fan-out, digest and delivery jobs, the real
 * PostgreSQL, Redis and the loopback Telegram Bot API) carry the signal's evidence from the stored
 * track record, in each subscriber's language; the ledger's English copy does not.
 */
import {
  createPendingAlerts,
  createScan,
  insertSignals,
  type SignalInput,
  type SignalOutcomeInput,
  subscribe,
  upsertSignalOutcomes,
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
import {
  deliveryDeps,
  deliveryIdsOf,
  fanOutAndDeliver,
  type InlineFlowOptions,
} from "./support/alert-flow.ts";

const TOKEN = "123456:EVIDENCE-token-abcdefghijklmnopqrstuvwxyz";
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
  stockId = (await upsertStocks(database.db, [{ symbol: "HPG", name: "Hoa Phat", exchange: "HOSE" }])).get(
    "HPG",
  )!;
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
  await sql`truncate subscribers, alerts, scans, vpa_signals cascade`.execute(database.db);
  await queues.deliveries.queue.obliterate({ force: true });
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

/**
 * 40 earlier SPRINGs of HPG (HOSE, score 72) with final outcomes at 5 sessions, as the track
 * record's update stores them: 30 went up (+3%), 10 down (−1%); their chance entries 20 and 20.
 */
async function storeTrackRecord(): Promise<void> {
  const days = Array.from({ length: 40 }, (_, i) =>
    new Date(Date.UTC(2021, 0, 4) + i * 86_400_000).toISOString().slice(0, 10),
  );
  const stored = await insertSignals(
    database.db,
    stockId,
    "1D",
    days.map((day) => spring(day, 72)),
  );
  const trade = (time: string, netReturn: number) => ({
    entryTime: time,
    entryPrice: 45,
    exitTime: new Date(Date.parse(time) + 7 * 86_400_000).toISOString().slice(0, 10),
    exitPrice: 45 * (1 + netReturn),
    netReturn,
  });
  const rows: SignalOutcomeInput[] = stored.map((signal, i) => {
    const own = i % 4 === 3 ? -0.01 : 0.03;
    const chance = i % 2 === 0 ? 0.005 : -0.006;
    return {
      signalId: signal.id,
      horizon: 5,
      averageTradedValue: 9e10,
      liquidityBand: "10-100bn",
      outcome: trade(signal.time, own),
      hit: own > 0,
      chance: { status: "drawn", time: signal.time },
      chanceOutcome: trade(signal.time, chance),
      chanceHit: chance > 0,
    };
  });
  await upsertSignalOutcomes(database.db, rows);
}

async function subscribeChat(chat: string, language: "vi" | "en", mode: "digest" | "instant"): Promise<void> {
  await subscribe(database.db, { channel: "telegram", address: chat });
  await sql`update subscribers set language = ${language}, delivery_mode = ${mode} where address = ${chat}`.execute(
    database.db,
  );
}

const sentTo = (chat: string) =>
  telegram.sentMessages.filter((m) => m.chatId === chat).map((m) => m.plainText);

describe("the evidence line, end to end", () => {
  it("an alert carries it in each subscriber's language; the ledger's English copy is left as it was", async () => {
    await storeTrackRecord();
    await subscribeChat("501", "vi", "instant");
    await subscribeChat("502", "en", "instant");
    const [signal] = await insertSignals(database.db, stockId, "1D", [spring("2021-12-30", 74)]);
    await createPendingAlerts(database.db, [{ signalId: signal!.id, priority: "MEDIUM" }], null);

    const { outcomes } = await fanOutAndDeliver(signal!.id, inline());
    expect(outcomes).toEqual([
      { kind: "settled", status: "sent" },
      { kind: "settled", status: "sent" },
    ]);
    expect(sentTo("501")[0]).toContain(
      "\n📊 Cú lò xo · HOSE · điểm 70–79: tăng sau 5 phiên 75 % trong 40 lần (ngẫu nhiên 50 %) / " +
        "Spring · HOSE · score 70–79: up after 5 sessions 75 % of 40 times (chance 50 %)\n",
    );
    expect(sentTo("502")[0]).toContain(
      "\n📊 Spring · HOSE · score 70–79: up after 5 sessions 75% of 40 times (chance 50%)\n",
    );
    const ledger = await sql<{ message: string }>`select message from alerts`.execute(database.db);
    expect(ledger.rows[0]?.message).not.toMatch(/after 5 sessions|not enough history/);
  });

  it("says there is no history yet on an empty track record, never a number", async () => {
    await subscribeChat("503", "vi", "instant");
    const [signal] = await insertSignals(database.db, stockId, "1D", [spring("2021-12-30", 74)]);
    await createPendingAlerts(database.db, [{ signalId: signal!.id, priority: "MEDIUM" }], null);
    await fanOutAndDeliver(signal!.id, inline());
    expect(sentTo("503")[0]).toContain("\n📊 Cú lò xo: chưa đủ dữ liệu / Spring: not enough history yet\n");
  });

  it("a digest carries it under each signal", async () => {
    await storeTrackRecord();
    await subscribeChat("504", "en", "digest");
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    const stored = await insertSignals(database.db, stockId, "1D", [
      spring("2021-12-29", 74),
      spring("2021-12-30", 55),
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
    expect(built).toMatchObject({ kind: "built", digests: 1 });
    const deps = deliveryDeps(inline());
    for (const deliveryId of deliveryIdsOf(built.kind === "built" ? built.deliveryJobIds : []))
      await deliver({ deliveryId }, deps);
    const [digest] = sentTo("504");
    // The score-55 SPRING has no 50–59 outcomes and HOSE's are all 70–79: the type as a whole.
    expect(digest?.split("\n").slice(1, 5)).toEqual([
      "1. HPG Spring ▲ · score 74 · 45,600 VND · 0.80× avg vol",
      "↳ HOSE · score 70–79: up after 5 sessions 75% of 40 times (chance 50%)",
      "2. HPG Spring ▲ · score 55 · 45,600 VND · 0.80× avg vol",
      "↳ all scores: up after 5 sessions 75% of 40 times (chance 50%)",
    ]);
  });
});
