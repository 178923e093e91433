/**
 * An instant alert goes out with its chart: as a Telegram photo whose caption is the alert, and
 * inline in the email; a digest goes as text. Through the fan-out and delivery jobs (run inline,
 * as the workers run them) against the real PostgreSQL, Redis, the Telegram stand-in and an SMTP
 * sink.
 */
import {
  createPendingAlerts,
  createScan,
  type Database,
  insertSignals,
  type SignalInput,
  subscribe,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import {
  createLogger,
  createQueue,
  type QueueConnection,
  RedisRateLimiter,
  type TypedQueue,
} from "@vpa/runtime";
import { Redis } from "ioredis";
import { Kysely, PostgresDialect, sql } from "kysely";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { type SmtpSink, startSmtpSink } from "../../../test-support/smtp-sink.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import { buildDigests } from "../src/build-digests.job.ts";
import type { Channel, ChannelSender } from "../src/channels/channel.ts";
import { createEmailSender, EMAIL_IMAGE_CID } from "../src/channels/email/email-sender.ts";
import { createTelegramSender } from "../src/channels/telegram/telegram-sender.ts";
import { createAlertCharts } from "../src/chart/alert-charts.ts";
import { RedisChartCache } from "../src/chart/redis-chart-cache.ts";
import { type DeliveryOutcome, deliver } from "../src/deliver.job.ts";
import {
  createAlertFanOut,
  type FanOutResult,
  fanOutAlert,
  SignalNotFoundError,
} from "../src/fan-out-alert.job.ts";
import { deliveryDeps, deliveryIdsOf, tally } from "./support/alert-flow.ts";
import { decodePng, readPngSize } from "./support/decode-png.ts";

const TOKEN = "123456:CHART-token-abcdefghijklmnopqrstuvwxyz";
const COMPANY = `A<b>&"C" Ngân hàng`;
const logger = createLogger({ level: "silent", secrets: [TOKEN] });

let database: TestDatabase;
let telegram: TelegramStandIn;
let smtp: SmtpSink;
let connection: QueueConnection;
let deliveriesQueue: TypedQueue<"deliveries">;
let analyzeQueue: TypedQueue<"analyze">;
let limiter: RedisRateLimiter;
let cache: RedisChartCache;
let senders: Map<Channel, ChannelSender>;
let stockId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN });
  smtp = await startSmtpSink();
  connection = testQueueConnection();
  deliveriesQueue = createQueue("deliveries", connection);
  analyzeQueue = createQueue("analyze", connection);
  limiter = new RedisRateLimiter({ redisUrl: connection.redisUrl, prefix: connection.prefix });
  cache = new RedisChartCache({ redisUrl: connection.redisUrl, prefix: connection.prefix });
  senders = new Map<Channel, ChannelSender>([
    ["telegram", createTelegramSender({ token: TOKEN, apiRoot: telegram.apiRoot })],
    ["email", createEmailSender({ smtpUrl: smtp.url, from: "VPA Alerts <alerts@vpa.test>" })],
  ]);
  stockId = (await upsertStocks(database.db, [{ symbol: "VCB", name: COMPANY, exchange: "HOSE" }])).get(
    "VCB",
  )!;
  const start = Date.UTC(2022, 0, 1);
  await upsertBars(
    database.db,
    stockId,
    "1D",
    Array.from({ length: 120 }, (_, i) => ({
      time: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      open: 45 + Math.sin(i / 6) * 3,
      high: 46 + Math.sin(i / 6) * 3,
      low: 44 + Math.sin(i / 6) * 3,
      close: 45.6 + Math.sin(i / 6) * 3,
      volume: 2_000_000 + i * 10_000,
    })),
  );
});
afterAll(async () => {
  for (const sender of senders?.values() ?? []) await sender.close();
  await cache?.close();
  await limiter?.close();
  await obliterateQueues([deliveriesQueue, analyzeQueue].filter((queue) => queue !== undefined));
  if (connection !== undefined) {
    const redis = new Redis(connection.redisUrl);
    const keys = await redis.keys(`${connection.prefix}:*`);
    if (keys.length > 0) await redis.unlink(...keys);
    redis.disconnect();
  }
  await smtp?.close();
  await telegram?.close();
  await database?.drop();
});
beforeEach(async () => {
  telegram.reset();
  smtp.reset();
  await sql`truncate subscribers, alerts, scans cascade`.execute(database.db);
});

let day = 70;
async function storeSignal(priority: "HIGH" | "MEDIUM", scanId: number | null = null): Promise<number> {
  day++;
  const input: SignalInput = {
    time: new Date(Date.UTC(2022, 0, 1) + day * 86_400_000).toISOString().slice(0, 10),
    type: "SELLING_CLIMAX",
    bias: "bull",
    score: priority === "HIGH" ? 87 : 70,
    confidence: 0.65,
    priority,
    variant: null,
    features: { vr: 2.8, sr: 1.9, cl: 0.7, trend: "down" },
    close: 45.6,
    volume: 2_000_000,
    priceChange: 0.012,
  };
  const [stored] = await insertSignals(database.db, stockId, "1D", [input]);
  await createPendingAlerts(database.db, [{ signalId: stored!.id, priority }], scanId);
  return stored!.id;
}

function inlineDeps() {
  return {
    ...deliveryDeps({ db: database.db, senders, deliveriesQueue, limiter, logger }),
    charts: createAlertCharts({ db: database.db, cache, logger }),
  };
}

async function deliverAll(jobIds: readonly string[]): Promise<DeliveryOutcome[]> {
  const deps = inlineDeps();
  const outcomes: DeliveryOutcome[] = [];
  for (const deliveryId of deliveryIdsOf(jobIds)) outcomes.push(await deliver({ deliveryId }, deps));
  return outcomes;
}

describe("an instant alert with its chart", () => {
  it("reaches a Telegram chat as one photo whose caption is the escaped alert", async () => {
    await subscribe(database.db, { channel: "telegram", address: "4242" });
    const signalId = await storeSignal("HIGH");

    const fanned = await fanOutAlert({ signalId }, { db: database.db, deliveriesQueue });
    expect(tally(await deliverAll(fanned.deliveryJobIds))).toEqual({ sent: 1 });

    expect(telegram.sentMessages).toHaveLength(0);
    expect(telegram.sentPhotos).toHaveLength(1);
    const photo = telegram.sentPhotos[0]!;
    expect(photo.chatId).toBe("4242");
    expect(readPngSize(photo.photo)).toEqual({ width: 800, height: 450 });
    expect(photo.parseMode).toBe("HTML");
    // The caption is the alert itself: < & and quotes escaped on the wire, read as written.
    expect(photo.caption).toContain("A&lt;b&gt;&amp;&quot;C&quot; Ngân hàng");
    expect(photo.plainCaption).toContain(COMPANY);
    expect(photo.plainCaption).toContain("VCB");
    expect(photo.plainCaption.length).toBeLessThanOrEqual(1024);
    // The chart marks the signal bar (the last of the 60) in its marker colour.
    const image = decodePng(photo.photo);
    const signalX = Math.floor(12 + 59.5 * (716 / 60));
    const marked = Array.from({ length: image.height }, (_, y) => image.colorAt(signalX, y)).filter(
      (color) => color === "#8250df",
    );
    expect(marked.length).toBeGreaterThan(10);
    const sent = await sql<{ status: string; provider_message_id: string | null }>`
      select status, provider_message_id from alert_deliveries`.execute(database.db);
    expect(sent.rows).toEqual([{ status: "sent", provider_message_id: "1" }]);
  });

  it("reaches an email inbox with the chart inline (a cid: image) under the facts", async () => {
    await subscribe(database.db, { channel: "email", address: "trader@example.test" });
    const signalId = await storeSignal("HIGH");

    const fanned = await fanOutAlert({ signalId }, { db: database.db, deliveriesQueue });
    expect(tally(await deliverAll(fanned.deliveryJobIds))).toEqual({ sent: 1 });

    const [received] = await smtp.waitForMessages(1);
    const mail = await simpleParser(received!.raw, { keepCidLinks: true });
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ contentType: "image/png", cid: EMAIL_IMAGE_CID });
    expect(readPngSize(mail.attachments[0]!.content)).toEqual({ width: 800, height: 450 });
    expect(String(mail.html)).toMatch(
      new RegExp(`<img src="cid:${EMAIL_IMAGE_CID}" alt="Chart of VCB \\(1D\\)`),
    );
  });

  it("sends every recipient of a signal the same chart, cached after the first drawing", async () => {
    for (const chat of ["5001", "5002", "5003"])
      await subscribe(database.db, { channel: "telegram", address: chat });
    const signalId = await storeSignal("HIGH");

    const fanned = await fanOutAlert({ signalId }, { db: database.db, deliveriesQueue });
    expect(tally(await deliverAll(fanned.deliveryJobIds))).toEqual({ sent: 3 });

    const photos = telegram.sentPhotos.map((photo) => Buffer.from(photo.photo).toString("base64"));
    expect(photos).toHaveLength(3);
    expect(new Set(photos).size).toBe(1);
    expect(await cache.get(signalId)).not.toBeNull();
  });

  it("goes as text alone when its chart cannot be drawn (the signal's bar is gone)", async () => {
    await subscribe(database.db, { channel: "telegram", address: "6001" });
    const signalId = await storeSignal("HIGH");
    await sql`delete from market_data where stock_id = ${stockId} and time = (select time from vpa_signals where id = ${signalId})`.execute(
      database.db,
    );

    const fanned = await fanOutAlert({ signalId }, { db: database.db, deliveriesQueue });
    expect(tally(await deliverAll(fanned.deliveryJobIds))).toEqual({ sent: 1 });
    expect(telegram.sentPhotos).toHaveLength(0);
    expect(telegram.sentMessages).toHaveLength(1);
  });
});

describe("the chart drawn beside the fan-out", () => {
  async function warmedBy(signalId: number): Promise<number[]> {
    const warmed: number[] = [];
    await fanOutAlert(
      { signalId },
      { db: database.db, deliveriesQueue, warmChart: (signal) => void warmed.push(signal.id) },
    );
    return warmed;
  }

  it("is drawn for a HIGH alert, and for a live alert someone gets now, not for a live alert nobody gets", async () => {
    // Nobody subscribed to scores this low: a live stream's minute stores dozens of such signals a
    // second, and drawing each took the alerts worker's CPU from the HIGH ones.
    await subscribe(database.db, { channel: "telegram", address: "7001", minScore: 80 });
    expect(await warmedBy(await storeSignal("MEDIUM"))).toEqual([]);
    const high = await storeSignal("HIGH");
    expect(await warmedBy(high)).toEqual([high]);
    await subscribe(database.db, { channel: "telegram", address: "7002" });
    const live = await storeSignal("MEDIUM");
    expect(await warmedBy(live)).toEqual([live]);
  });
});

describe("alert jobs running together", () => {
  /** The test's database through a Kysely of its own that counts the statements it sends. */
  function countingDb() {
    let sent = 0;
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: database.pool }),
      log: (event) => {
        if (event.level === "query") sent++;
      },
    });
    return { db, statements: () => sent };
  }

  it("share one statement per step, and a missing signal fails only its own job", async () => {
    await subscribe(database.db, { channel: "telegram", address: "7001" });
    const signals = [await storeSignal("HIGH"), await storeSignal("HIGH"), await storeSignal("MEDIUM")];
    const counting = countingDb();
    const warmed: number[] = [];
    const fanOut = createAlertFanOut({
      db: counting.db,
      deliveriesQueue,
      warmChart: (signal) => void warmed.push(signal.id),
    });

    const results = await Promise.allSettled([...signals, 999_999].map((signalId) => fanOut({ signalId })));

    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected"]);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(SignalNotFoundError);
    const fanned = results.slice(0, 3).map((r) => (r as PromiseFulfilledResult<FanOutResult>).value);
    expect(fanned.map((f) => f.signalId)).toEqual(signals);
    expect(fanned.map((f) => f.deliveryJobIds.length)).toEqual([1, 1, 1]);
    expect(warmed.sort()).toEqual([...signals].sort());
    // Find, start, settle: one statement each for the four jobs (one per job and step was 12).
    expect(counting.statements()).toBe(3);
    // Each alert is done and owes its one delivery; running them again owes nothing new.
    const again = await Promise.all(signals.map((signalId) => fanOut({ signalId })));
    expect(again.map((f) => f.deliveryJobIds)).toEqual([[], [], []]);
  });
});

describe("a digest", () => {
  it("goes as a text message without a chart", async () => {
    await subscribe(database.db, { channel: "telegram", address: "7001" });
    await sql`update subscribers set delivery_mode = 'digest'`.execute(database.db);
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    const signalId = await storeSignal("MEDIUM", scanId);
    const fanned = await fanOutAlert({ signalId }, { db: database.db, deliveriesQueue });
    expect(fanned.deliveryJobIds).toEqual([]); // a digest subscriber reads it in the scan's digest

    const built = await buildDigests({ scanId }, { db: database.db, analyzeQueue, deliveriesQueue });
    expect(built.kind).toBe("built");
    const outcomes = await deliverAll(built.kind === "built" ? built.deliveryJobIds : []);
    expect(tally(outcomes)).toEqual({ sent: 1 });
    expect(telegram.sentPhotos).toHaveLength(0);
    expect(telegram.sentMessages).toHaveLength(1);
    expect(telegram.sentMessages[0]!.plainText).toContain("VCB");
  });
});
