import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  claimDelivery,
  insertSignals,
  listDeliveries,
  listSubscribers,
  queueDeliveries,
  type SignalInput,
  setQuietHours,
  startAlert,
  subscribe,
  upsertStocks,
} from "@vpa/db";
import {
  alertJobId,
  createLogger,
  createMetrics,
  createQueue,
  JobWaiter,
  RedisRateLimiter,
  type TypedQueue,
} from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { type SmtpSink, startSmtpSink } from "../../../test-support/smtp-sink.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import {
  type AlertWorkers,
  type Channel,
  type ChannelSender,
  createConsoleSender,
  createEmailSender,
  createTelegramSender,
  createWebhookSender,
  deliver,
  type FanOutResult,
  startAlertWorkers,
} from "../src/index.ts";
import { deliveryDeps, fanOutAndDeliver, type InlineFlowOptions, tally } from "./support/alert-flow.ts";

const TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
const logger = createLogger({ level: "silent", secrets: [TOKEN] });

let database: TestDatabase;
let telegram: TelegramStandIn;
let smtp: SmtpSink;
let senders: Map<Channel, ChannelSender>;
const consoleLines: string[] = [];
let stockId: number;
const connection = testQueueConnection();
let deliveriesQueue: TypedQueue<"deliveries">;
let limiter: RedisRateLimiter;

beforeAll(async () => {
  deliveriesQueue = createQueue("deliveries", connection);
  limiter = new RedisRateLimiter({ redisUrl: connection.redisUrl, prefix: connection.prefix });
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN });
  smtp = await startSmtpSink({ user: "mailer", pass: "mail-secret" });
  senders = new Map<Channel, ChannelSender>([
    ["telegram", createTelegramSender({ token: TOKEN, apiRoot: telegram.apiRoot })],
    ["email", createEmailSender({ smtpUrl: smtp.url, from: "VPA <alerts@vpa.test>" })],
    ["console", createConsoleSender((line) => consoleLines.push(line))],
  ]);
  stockId = (
    await upsertStocks(database.db, [{ symbol: "PVD", name: "Dầu <khí> & Co", exchange: "HOSE" }])
  ).get("PVD")!;
});
afterAll(async () => {
  await limiter?.close();
  await obliterateQueues(deliveriesQueue === undefined ? [] : [deliveriesQueue]);
  // The alert workers open the analyze and digests queues themselves.
  await removeQueuePrefix(connection);
  for (const sender of senders?.values() ?? []) await sender.close();
  await telegram?.close();
  await smtp?.close();
  await database?.drop();
});

let day = 0;
async function storeSignal(
  overrides: Partial<SignalInput> = {},
  timeframe: "1D" | "15m" = "1D",
): Promise<number> {
  day++;
  const time = new Date(Date.UTC(2021, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
  const [stored] = await insertSignals(database.db, stockId, timeframe, [
    {
      time,
      type: "SELLING_CLIMAX",
      bias: "bull",
      score: 87,
      confidence: 0.65,
      priority: "HIGH",
      variant: null,
      features: { vr: 2.8, sr: 1.9, cl: 0.62, trend: "down" },
      close: 23.45,
      volume: 1_234_500,
      priceChange: -0.031,
      ...overrides,
    },
  ]);
  return stored!.id;
}

async function deliveries(signalId: number) {
  const rows = await sql<{ address: string; channel: string; status: string; attempts: number }>`
    select s.address, d.channel, d.status, d.attempts from alert_deliveries d
    join alerts a on a.id = d.alert_id join subscribers s on s.id = d.subscriber_id
    where a.signal_id = ${signalId} order by s.address`.execute(database.db);
  return rows.rows;
}

/** One alert inline: its fan-out, then each of its delivery jobs (the functions the workers run). */
function inline(overrides: Partial<InlineFlowOptions> = {}): InlineFlowOptions {
  return { db: database.db, senders, deliveriesQueue, limiter, logger, ...overrides };
}

describe("alert workers", () => {
  let alerts: TypedQueue<"alerts">;
  let workers: AlertWorkers;
  let alertWaiter: JobWaiter;
  let deliveryWaiter: JobWaiter;

  beforeAll(async () => {
    alerts = createQueue("alerts", connection);
    alertWaiter = await JobWaiter.start(alerts.queue, connection);
    deliveryWaiter = await JobWaiter.start(deliveriesQueue.queue, connection);
    workers = startAlertWorkers({
      db: database.db,
      connection,
      senders,
      metrics: createMetrics({ collectProcessMetrics: false }),
      logger,
      concurrency: 4,
      throttle: { cooldownMs: 0, maxPerHour: 0 },
      sweeper: false,
    });
  });
  afterAll(async () => {
    await workers?.close();
    await alertWaiter?.close();
    await deliveryWaiter?.close();
    await obliterateQueues(alerts === undefined ? [] : [alerts]);
  });
  beforeEach(async () => {
    await sql`truncate subscribers cascade`.execute(database.db);
    telegram.reset();
    smtp.reset();
  });

  /** Enqueues the alert job and waits for it and every delivery job it fanned out. */
  async function runAlert(signalId: number) {
    const jobId = alertJobId({ signalId });
    await alerts.add({ signalId }, { jobId });
    const fanOut = (await alertWaiter.wait([jobId], { timeoutMs: 15_000 })).get(jobId)!;
    const deliveryJobIds = (fanOut.returnValue as FanOutResult).deliveryJobIds;
    const delivered = await deliveryWaiter.wait(deliveryJobIds, { timeoutMs: 20_000 });
    return { fanOut, delivered: [...delivered.values()] };
  }

  it("delivers one escaped HTML message per Telegram chat, an email, and a console line; subscriptions filter", async () => {
    await subscribe(database.db, { channel: "telegram", address: "111" });
    await subscribe(database.db, { channel: "email", address: "trader@example.com", minScore: 80 });
    await subscribe(database.db, { channel: "console", address: "ops" });
    await subscribe(database.db, { channel: "telegram", address: "999", symbols: ["VCB"] });
    const signalId = await storeSignal();
    const { fanOut, delivered } = await runAlert(signalId);
    expect(fanOut.state).toBe("completed");
    expect(delivered.map((d) => d.state)).toEqual(["completed", "completed", "completed"]);

    expect(telegram.sentMessages).toHaveLength(1);
    const [message] = telegram.sentMessages;
    expect(message).toMatchObject({ chatId: "111", parseMode: "HTML" });
    expect(message!.text).toContain("Dầu &lt;khí&gt; &amp; Co");
    expect(message!.plainText).toContain("Dầu <khí> & Co");

    const [email] = await smtp.waitForMessages(1, 5_000);
    // ALERT_LANGUAGE's default: Vietnamese first, English beside it.
    expect(email!.subject).toBe(
      "[CAO / HIGH] PVD: Cao trào bán / Selling climax (tăng / bull) điểm / score 87",
    );
    expect(email!.text).toContain("Dầu <khí> & Co");
    expect(email!.html).toContain("Dầu &lt;khí&gt; &amp; Co");
    expect(consoleLines.join("\n")).toContain("PVD");

    expect((await deliveries(signalId)).map((d) => [d.address, d.status])).toEqual([
      ["111", "sent"],
      ["ops", "sent"],
      ["trader@example.com", "sent"],
    ]);
  });

  it("honours a 429 retry_after: every worker pauses at least that long, then it is delivered exactly once", async () => {
    await subscribe(database.db, { channel: "telegram", address: "222" });
    telegram.rateLimitNext(1, 1);
    const signalId = await storeSignal();
    const started = Date.now();
    const { delivered } = await runAlert(signalId);
    expect(delivered.map((d) => d.state)).toEqual(["completed"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(telegram.sentMessages.filter((m) => m.chatId === "222")).toHaveLength(1);
    expect(await deliveries(signalId)).toEqual([
      { address: "222", channel: "telegram", status: "sent", attempts: 2 },
    ]);
  });

  it("deactivates a subscriber who blocked the bot (403) and never retries them", async () => {
    await subscribe(database.db, { channel: "telegram", address: "333" });
    await subscribe(database.db, { channel: "telegram", address: "444" });
    telegram.blockChat("333");
    const signalId = await storeSignal();
    await runAlert(signalId);
    const subscribers = await listSubscribers(database.db);
    expect(subscribers.find((s) => s.address === "333")).toMatchObject({ isActive: false });
    expect(subscribers.find((s) => s.address === "333")?.deactivatedReason).toMatch(/blocked/);
    expect(subscribers.find((s) => s.address === "444")).toMatchObject({ isActive: true });
    const next = await storeSignal();
    await runAlert(next);
    expect(telegram.sentMessages.map((m) => m.chatId)).toEqual(["444", "444"]);
  });

  it("retries a transient 5xx with backoff and then delivers once", async () => {
    await subscribe(database.db, { channel: "telegram", address: "777" });
    telegram.failNext(1, 502);
    const signalId = await storeSignal();
    const { delivered } = await runAlert(signalId);
    expect(delivered.map((d) => d.state)).toEqual(["completed"]);
    expect(telegram.sentMessages.filter((m) => m.chatId === "777")).toHaveLength(1);
    expect((await deliveries(signalId))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("never twice", () => {
  beforeEach(async () => {
    await sql`truncate subscribers cascade`.execute(database.db);
    telegram.reset();
  });

  it("a re-run skips sent deliveries, and one whose worker died mid-send is not resent", async () => {
    await subscribe(database.db, { channel: "telegram", address: "555" });
    await subscribe(database.db, { channel: "telegram", address: "666" });
    const signalId = await storeSignal();
    // A worker claimed chat 666's delivery, sent the message, and died before recording it.
    const alert = await startAlert(database.db, { signalId, priority: "HIGH", message: "x" });
    const [, chat666] = (await listSubscribers(database.db)).sort((a, b) =>
      a.address.localeCompare(b.address),
    );
    const [owed] = await queueDeliveries(database.db, { kind: "alert", alertId: alert.id }, [
      { subscriberId: chat666!.id, channel: "telegram" },
    ]);
    expect(await claimDelivery(database.db, owed!.id)).toBe("claimed");
    await senders.get("telegram")!.send(
      { subscriberId: chat666!.id, address: "666" },
      {
        subject: "x",
        text: "x",
        telegramHtml: "PVD",
        emailHtml: "x",
        event: { name: "vpa.alert", data: {} },
      },
    );

    // The fan-out owes only chat 555 now (666's row is not owed: it is being sent, as far as anyone knows).
    const first = await fanOutAndDeliver(signalId, inline());
    expect(tally(first.outcomes)).toEqual({ sent: 1 });
    // BullMQ retries the dead worker's stalled delivery job: it finds the claim and records it uncertain.
    const deps = deliveryDeps(inline());
    expect(await deliver({ deliveryId: owed!.id }, deps)).toEqual({ kind: "settled", status: "skipped" });
    // Running every delivery job again sends nothing.
    for (const deliveryId of [...first.deliveryIds, owed!.id]) await deliver({ deliveryId }, deps);

    expect(telegram.sentMessages.map((m) => m.chatId).sort()).toEqual(["555", "666"]);
    expect((await deliveries(signalId)).map((d) => [d.address, d.status])).toEqual([
      ["555", "sent"],
      ["666", "uncertain"],
    ]);
    // The operator sees it (vpa alerts --status uncertain).
    const uncertain = await listDeliveries(database.db, { status: "uncertain" });
    expect(uncertain.map((d) => [d.address, d.symbol, d.channel])).toEqual([["666", "PVD", "telegram"]]);
  });
});

describe("alert throttle", () => {
  beforeEach(async () => {
    await sql`truncate subscribers cascade`.execute(database.db);
    telegram.reset();
  });

  it("holds back the same signal on the same symbol for bars within the cooldown, not a day later", async () => {
    await subscribe(database.db, { channel: "telegram", address: "808" });
    const throttled = inline({ throttle: { cooldownMs: 60 * 60_000, maxPerHour: 0 } });
    const at0915 = await storeSignal({ time: "2024-03-04T09:15:00+07:00", type: "NO_SUPPLY" }, "15m");
    const at0930 = await storeSignal({ time: "2024-03-04T09:30:00+07:00", type: "NO_SUPPLY" }, "15m");
    const otherType = await storeSignal({ time: "2024-03-04T09:45:00+07:00", type: "TEST" }, "15m");
    const nextDay = await storeSignal({ time: "2024-03-05T09:30:00+07:00", type: "NO_SUPPLY" }, "15m");
    const outcomes = [];
    for (const signalId of [at0915, at0930, otherType, nextDay]) {
      outcomes.push(tally((await fanOutAndDeliver(signalId, throttled)).outcomes));
    }
    expect(outcomes).toEqual([{ sent: 1 }, { suppressed: 1 }, { sent: 1 }, { sent: 1 }]);
    expect(telegram.sentMessages).toHaveLength(3);
    expect((await deliveries(at0930))[0]).toMatchObject({ status: "suppressed" });
  });

  it("caps the alerts one subscriber gets per hour, on the injected clock: a send 61 minutes old does not count", async () => {
    await subscribe(database.db, { channel: "telegram", address: "909" });
    let now = Date.now();
    const capped = inline({ throttle: { cooldownMs: 0, maxPerHour: 2 }, now: () => now });
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(tally((await fanOutAndDeliver(await storeSignal(), capped)).outcomes));
    expect(results).toEqual([{ sent: 1 }, { sent: 1 }, { suppressed: 1 }]);
    // 61 minutes later by the clock every rule reads, the first two no longer count.
    now += 61 * 60_000;
    expect(tally((await fanOutAndDeliver(await storeSignal(), capped)).outcomes)).toEqual({ sent: 1 });
    // 59 minutes would not have been enough.
    now -= 2 * 60_000;
    expect(tally((await fanOutAndDeliver(await storeSignal(), capped)).outcomes)).toEqual({ suppressed: 1 });
  });
});

describe("quiet hours", () => {
  beforeEach(async () => {
    await sql`truncate subscribers cascade`.execute(database.db);
    telegram.reset();
  });

  it("holds an alert for a subscriber in quiet hours until they end, while others get it now", async () => {
    await subscribe(database.db, { channel: "telegram", address: "111" });
    await subscribe(database.db, { channel: "telegram", address: "222" });
    await setQuietHours(database.db, "telegram", "222", { start: 22 * 60, end: 7 * 60 });
    const signalId = await storeSignal();
    const at = (local: string) => Date.parse(`${local}+07:00`);
    const night = await fanOutAndDeliver(signalId, inline({ now: () => at("2024-03-04T23:30:00") }));
    expect(night.outcomes).toEqual([
      { kind: "settled", status: "sent" },
      { kind: "wait", untilMs: at("2024-03-05T07:00:00"), reason: "quiet hours" },
    ]);
    expect(telegram.sentMessages.map((m) => m.chatId)).toEqual(["111"]);
    // The job comes back when the quiet hours end: only the held delivery goes out.
    const morning = deliveryDeps(inline({ now: () => at("2024-03-05T07:00:00") }));
    const outcomes = [];
    for (const deliveryId of night.deliveryIds) outcomes.push(await deliver({ deliveryId }, morning));
    expect(tally(outcomes)).toEqual({ skipped: 1, sent: 1 });
    expect(telegram.sentMessages.map((m) => m.chatId)).toEqual(["111", "222"]);
  });
});

describe("webhook subscribers", () => {
  it("get the alert as JSON, and a retried delivery carries the same Idempotency-Key", async () => {
    const keys: string[] = [];
    let failFirst = true;
    const server = createServer((request, response) => {
      keys.push(String(request.headers["idempotency-key"]));
      request.resume();
      request.on("end", () => {
        response.writeHead(failFirst ? 503 : 204);
        failFirst = false;
        response.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    try {
      await sql`truncate subscribers cascade`.execute(database.db);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
      await subscribe(database.db, { channel: "webhook", address: url });
      const signalId = await storeSignal();
      const flow = inline({ senders: new Map<Channel, ChannelSender>([["webhook", createWebhookSender()]]) });
      const first = await fanOutAndDeliver(signalId, flow);
      expect(first.outcomes.map((o) => o.kind)).toEqual(["retry"]);
      const deps = deliveryDeps(flow);
      expect(await deliver({ deliveryId: first.deliveryIds[0]! }, deps)).toEqual({
        kind: "settled",
        status: "sent",
      });
      // Settled: running it again sends nothing.
      expect(await deliver({ deliveryId: first.deliveryIds[0]! }, deps)).toEqual({
        kind: "settled",
        status: "skipped",
      });
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(/^vpa-delivery-\d+$/);
      expect(keys[1]).toBe(keys[0]);
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});
