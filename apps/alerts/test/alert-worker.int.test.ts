import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  claimDelivery,
  ensureAlert,
  findSignal,
  insertSignals,
  listDeliveries,
  listSubscribers,
  type SignalInput,
  setQuietHours,
  subscribe,
  upsertStocks,
} from "@vpa/db";
import {
  alertJobId,
  createLogger,
  createMetrics,
  createQueue,
  JobWaiter,
  type TypedQueue,
} from "@vpa/runtime";
import type { Worker } from "bullmq";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { type SmtpSink, startSmtpSink } from "../../../test-support/smtp-sink.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import {
  alertContentOf,
  type Channel,
  type ChannelSender,
  createConsoleSender,
  createEmailSender,
  createTelegramSender,
  createWebhookSender,
  deliverAlert,
  Pacer,
  renderAlert,
  startAlertWorker,
} from "../src/index.ts";

const TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
const logger = createLogger({ level: "silent", secrets: [TOKEN] });

let database: TestDatabase;
let telegram: TelegramStandIn;
let smtp: SmtpSink;
let senders: Map<Channel, ChannelSender>;
const consoleLines: string[] = [];
let stockId: number;

beforeAll(async () => {
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

describe("alert worker", () => {
  let queue: TypedQueue<"alerts">;
  let worker: Worker;
  let waiter: JobWaiter;
  const connection = testQueueConnection();

  beforeAll(async () => {
    queue = createQueue("alerts", connection);
    waiter = await JobWaiter.start(queue.queue, connection);
    worker = startAlertWorker({
      db: database.db,
      connection,
      senders,
      metrics: createMetrics({ collectProcessMetrics: false }),
      logger,
      concurrency: 2,
      // No pacing delays in tests; the per-chat pacing has its own unit test.
      pacer: new Pacer({}),
      throttle: { cooldownMs: 0, maxPerHour: 0 },
    });
  });
  afterAll(async () => {
    await worker?.close();
    await waiter?.close();
    await obliterateQueues([queue]);
  });
  beforeEach(async () => {
    await sql`truncate subscribers cascade`.execute(database.db);
    telegram.reset();
    smtp.reset();
  });

  async function runAlertJob(signalId: number) {
    const jobId = alertJobId({ signalId });
    await queue.add({ signalId }, { jobId });
    const outcomes = await waiter.wait([jobId], { timeoutMs: 15_000 });
    return outcomes.get(jobId)!;
  }

  it("delivers one escaped HTML message per Telegram chat, an email, and a console line; subscriptions filter", async () => {
    await subscribe(database.db, { channel: "telegram", address: "111" });
    await subscribe(database.db, { channel: "email", address: "trader@example.com", minScore: 80 });
    await subscribe(database.db, { channel: "console", address: "ops" });
    await subscribe(database.db, { channel: "telegram", address: "999", symbols: ["VCB"] });
    const signalId = await storeSignal();
    const outcome = await runAlertJob(signalId);
    expect(outcome.state).toBe("completed");

    expect(telegram.sentMessages).toHaveLength(1);
    const [message] = telegram.sentMessages;
    expect(message).toMatchObject({ chatId: "111", parseMode: "HTML" });
    expect(message!.text).toContain("Dầu &lt;khí&gt; &amp; Co");
    expect(message!.plainText).toContain("Dầu <khí> & Co");

    const [email] = await smtp.waitForMessages(1, 5_000);
    expect(email!.subject).toBe("[HIGH] PVD: Selling climax (bull) score 87");
    expect(email!.text).toContain("Dầu <khí> & Co");
    expect(email!.html).toContain("Dầu &lt;khí&gt; &amp; Co");
    expect(consoleLines.join("\n")).toContain("PVD");

    expect((await deliveries(signalId)).map((d) => [d.address, d.status])).toEqual([
      ["111", "sent"],
      ["ops", "sent"],
      ["trader@example.com", "sent"],
    ]);
  });

  it("honours a 429 retry_after: waits at least that long, then delivers exactly once", async () => {
    await subscribe(database.db, { channel: "telegram", address: "222" });
    telegram.rateLimitNext(1, 1);
    const signalId = await storeSignal();
    const started = Date.now();
    const outcome = await runAlertJob(signalId);
    expect(outcome.state).toBe("completed");
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
    expect((await runAlertJob(signalId)).state).toBe("completed");
    const subscribers = await listSubscribers(database.db);
    expect(subscribers.find((s) => s.address === "333")).toMatchObject({ isActive: false });
    expect(subscribers.find((s) => s.address === "333")?.deactivatedReason).toMatch(/blocked/);
    expect(subscribers.find((s) => s.address === "444")).toMatchObject({ isActive: true });
    const next = await storeSignal();
    await runAlertJob(next);
    expect(telegram.sentMessages.map((m) => m.chatId)).toEqual(["444", "444"]);
  });

  it("never sends twice: a re-run job skips sent deliveries, and one whose worker died mid-send is not resent", async () => {
    await subscribe(database.db, { channel: "telegram", address: "555" });
    await subscribe(database.db, { channel: "telegram", address: "666" });
    const signalId = await storeSignal();
    // A worker claimed chat 666, sent the message, and died before recording it.
    const signal = (await findSignal(database.db, signalId))!;
    const alertId = await ensureAlert(database.db, { signalId, priority: "HIGH", message: "x" });
    const [, chat666] = (await listSubscribers(database.db)).sort((a, b) =>
      a.address.localeCompare(b.address),
    );
    expect(
      await claimDelivery(database.db, { alertId, subscriberId: chat666!.id, channel: "telegram" }),
    ).toBe("claimed");
    await senders
      .get("telegram")!
      .send({ subscriberId: chat666!.id, address: "666" }, renderAlert(alertContentOf(signal)));

    // BullMQ retries the job (another attempt, or a re-run with the same id after removal).
    expect((await runAlertJob(signalId)).state).toBe("completed");
    await queue.queue.remove(alertJobId({ signalId }));
    expect((await runAlertJob(signalId)).state).toBe("completed");

    expect(telegram.sentMessages.map((m) => m.chatId).sort()).toEqual(["555", "666"]);
    expect((await deliveries(signalId)).map((d) => [d.address, d.status])).toEqual([
      ["555", "sent"],
      ["666", "uncertain"],
    ]);
    // The operator sees it (vpa alerts --status uncertain).
    const uncertain = await listDeliveries(database.db, { status: "uncertain" });
    expect(uncertain.map((d) => [d.address, d.symbol, d.channel])).toEqual([["666", "PVD", "telegram"]]);
  });

  it("retries a transient 5xx with backoff and then delivers once", async () => {
    await subscribe(database.db, { channel: "telegram", address: "777" });
    telegram.failNext(1, 502);
    const signalId = await storeSignal();
    expect((await runAlertJob(signalId)).state).toBe("completed");
    expect(telegram.sentMessages.filter((m) => m.chatId === "777")).toHaveLength(1);
    expect((await deliveries(signalId))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("alert throttle", () => {
  const deps = (throttle: { cooldownMs: number; maxPerHour: number }) => ({
    db: database.db,
    senders,
    pacer: new Pacer({}),
    metrics: createMetrics({ collectProcessMetrics: false }),
    logger,
    throttle,
  });
  beforeEach(async () => {
    await sql`truncate subscribers cascade`.execute(database.db);
    telegram.reset();
  });

  it("holds back the same signal on the same symbol for bars within the cooldown, not a day later", async () => {
    await subscribe(database.db, { channel: "telegram", address: "808" });
    const throttled = deps({ cooldownMs: 60 * 60_000, maxPerHour: 0 });
    const at0915 = await storeSignal({ time: "2024-03-04T09:15:00+07:00", type: "NO_SUPPLY" }, "15m");
    const at0930 = await storeSignal({ time: "2024-03-04T09:30:00+07:00", type: "NO_SUPPLY" }, "15m");
    const otherType = await storeSignal({ time: "2024-03-04T09:45:00+07:00", type: "TEST" }, "15m");
    const nextDay = await storeSignal({ time: "2024-03-05T09:30:00+07:00", type: "NO_SUPPLY" }, "15m");
    const outcomes = [];
    for (const signalId of [at0915, at0930, otherType, nextDay]) {
      outcomes.push((await deliverAlert({ signalId }, throttled)).outcomes);
    }
    expect(outcomes.map((o) => (o.sent === 1 ? "sent" : o.suppressed === 1 ? "suppressed" : "?"))).toEqual([
      "sent",
      "suppressed",
      "sent",
      "sent",
    ]);
    expect(telegram.sentMessages).toHaveLength(3);
    expect((await deliveries(at0930))[0]).toMatchObject({ status: "suppressed" });
    // Suppressed is final: running the job again sends nothing.
    await deliverAlert({ signalId: at0930 }, throttled);
    expect(telegram.sentMessages).toHaveLength(3);
  });

  it("caps the alerts one subscriber gets per hour", async () => {
    await subscribe(database.db, { channel: "telegram", address: "909" });
    const capped = deps({ cooldownMs: 0, maxPerHour: 2 });
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push((await deliverAlert({ signalId: await storeSignal() }, capped)).outcomes);
    expect(results.map((o) => o.sent)).toEqual([1, 1, 0, 0]);
    expect(results.map((o) => o.suppressed)).toEqual([0, 0, 1, 1]);
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
    const deps = (now: string) => ({
      db: database.db,
      senders,
      pacer: new Pacer({}),
      metrics: createMetrics({ collectProcessMetrics: false }),
      logger,
      throttle: { cooldownMs: 0, maxPerHour: 0 },
      now: () => Date.parse(`${now}+07:00`),
    });
    const night = await deliverAlert({ signalId }, deps("2024-03-04T23:30:00"));
    expect(night.outcomes).toMatchObject({ sent: 1, deferred: 1 });
    expect(night.retryAfterMs).toBe(7.5 * 3_600_000);
    expect(telegram.sentMessages.map((m) => m.chatId)).toEqual(["111"]);
    // The job comes back when the quiet hours end: only the held delivery goes out.
    const morning = await deliverAlert({ signalId }, deps("2024-03-05T07:00:00"));
    expect(morning.outcomes).toMatchObject({ sent: 1, skipped: 1, deferred: 0 });
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
      const deps = {
        db: database.db,
        senders: new Map<Channel, ChannelSender>([["webhook", createWebhookSender()]]),
        pacer: new Pacer({}),
        metrics: createMetrics({ collectProcessMetrics: false }),
        logger,
        throttle: { cooldownMs: 0, maxPerHour: 0 },
      };
      expect((await deliverAlert({ signalId }, deps)).outcomes.retry).toBe(1);
      expect((await deliverAlert({ signalId }, deps)).outcomes.sent).toBe(1);
      // The alert is settled (done): a third run owes nobody anything and sends nothing.
      const third = await deliverAlert({ signalId }, deps);
      expect(third.outcomes.sent + third.outcomes.retry).toBe(0);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(/^vpa-alert-\d+-\d+-webhook$/);
      expect(keys[1]).toBe(keys[0]);
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});
