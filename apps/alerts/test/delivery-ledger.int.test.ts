/**
 * The delivery state machine of docs/delivery.md, one transition at a time, against the real
 * PostgreSQL, Redis and the loopback Telegram Bot API.
 */
import {
  createPendingAlerts,
  findSignal,
  insertSignals,
  requeueAlerts,
  subscribe,
  upsertStocks,
} from "@vpa/db";
import {
  alertJobId,
  createLogger,
  createMetrics,
  createQueue,
  createWorker,
  JobWaiter,
  type QueueConnection,
  type TypedQueue,
  unrecoverable,
} from "@vpa/runtime";
import type { Worker } from "bullmq";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import {
  type Channel,
  type ChannelSender,
  createTelegramSender,
  DeliveryFailedError,
  deliverAlert,
  Pacer,
  startAlertWorker,
  sweepDeliveries,
} from "../src/index.ts";

const TOKEN = "123456:LEDGER-token-abcdefghijklmnopqrstuvwxyz";
const logger = createLogger({ level: "silent", secrets: [TOKEN] });
const metrics = createMetrics({ collectProcessMetrics: false });
const noThrottle = { cooldownMs: 0, maxPerHour: 0 };

let database: TestDatabase;
let telegram: TelegramStandIn;
let stockId: number;
let connection: QueueConnection;
let queue: TypedQueue<"alerts">;
let waiter: JobWaiter;
const workers: Worker[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN });
  stockId = (await upsertStocks(database.db, [{ symbol: "HPG", name: "Hoa Phat", exchange: "HOSE" }])).get(
    "HPG",
  )!;
  connection = testQueueConnection();
  queue = createQueue("alerts", connection);
  waiter = await JobWaiter.start(queue.queue, connection);
});
afterAll(async () => {
  await waiter?.close();
  await obliterateQueues(queue === undefined ? [] : [queue]);
  await telegram?.close();
  await database?.drop();
});
beforeEach(async () => {
  telegram.reset();
  await sql`truncate subscribers, alerts cascade`.execute(database.db);
  await queue.queue.obliterate({ force: true });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close()));
});

let day = 0;
async function storeSignal(): Promise<number> {
  day++;
  const time = new Date(Date.UTC(2022, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
  const [stored] = await insertSignals(database.db, stockId, "1D", [
    {
      time,
      type: "SPRING",
      bias: "bull",
      score: 72,
      confidence: 0.5,
      priority: "MEDIUM",
      variant: "spring",
      features: { vr: 0.8, sr: 1.1, cl: 0.7, trend: "flat" },
      close: 45.6,
      volume: 2_000_000,
      priceChange: 0.012,
    },
  ]);
  await createPendingAlerts(database.db, [{ signalId: stored!.id, priority: "MEDIUM" }]);
  return stored!.id;
}

async function subscribeChats(count: number): Promise<string[]> {
  const chats = Array.from({ length: count }, (_, i) => String(9000 + i));
  for (const chat of chats) await subscribe(database.db, { channel: "telegram", address: chat });
  return chats;
}

async function statuses(signalId: number): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; count: number }>`
    select d.status, count(*)::int as count from alert_deliveries d join alerts a on a.id = d.alert_id
    where a.signal_id = ${signalId} group by d.status`.execute(database.db);
  return Object.fromEntries(rows.rows.map((row) => [row.status, row.count]));
}

async function alertState(signalId: number): Promise<string | undefined> {
  const row = await sql<{ state: string }>`select state from alerts where signal_id = ${signalId}`.execute(
    database.db,
  );
  return row.rows[0]?.state;
}

function telegramSenders(requestTimeoutMs = 5_000): Map<Channel, ChannelSender> {
  return new Map<Channel, ChannelSender>([
    ["telegram", createTelegramSender({ token: TOKEN, apiRoot: telegram.apiRoot, requestTimeoutMs })],
  ]);
}

function deps(senders: Map<Channel, ChannelSender>, pacer = new Pacer({})) {
  return { db: database.db, senders, pacer, metrics, logger, throttle: noThrottle };
}

function messagesTo(chat: string): number {
  return telegram.sentMessages.filter((m) => m.chatId === chat).length;
}

describe("delivery ledger", () => {
  it("pending → done: every recipient settled settles the alert, and a re-run owes nobody anything", async () => {
    const chats = await subscribeChats(3);
    const signalId = await storeSignal();
    expect(await alertState(signalId)).toBe("pending");
    const senders = telegramSenders();
    const first = await deliverAlert({ signalId }, deps(senders));
    expect(first.outcomes.sent).toBe(3);
    expect(await alertState(signalId)).toBe("done");
    const again = await deliverAlert({ signalId }, deps(senders));
    expect(again.outcomes.sent + again.outcomes.retry).toBe(0);
    for (const chat of chats) expect(messagesTo(chat)).toBe(1);
  });

  it("sending → uncertain when Telegram gives no answer after taking the request; never resent unless asked by name", async () => {
    const [chat] = await subscribeChats(1);
    const signalId = await storeSignal();
    telegram.delayNext(1, 1_500);
    const senders = telegramSenders(300);
    const first = await deliverAlert({ signalId }, deps(senders));
    expect(first.outcomes.uncertain).toBe(1);
    expect(await statuses(signalId)).toEqual({ uncertain: 1 });
    expect(await alertState(signalId)).toBe("done");
    const before = messagesTo(chat!);
    await deliverAlert({ signalId }, deps(senders));
    expect(messagesTo(chat!)).toBe(before);

    // `vpa alerts retry` without --status leaves uncertain alone; naming it resends.
    expect((await requeueAlerts(database.db, { statuses: ["failed", "retry"] })).deliveries).toBe(0);
    expect((await requeueAlerts(database.db, { statuses: ["uncertain"] })).deliveries).toBe(1);
    expect((await deliverAlert({ signalId }, deps(senders))).outcomes.sent).toBe(1);
    expect(messagesTo(chat!)).toBe(before + 1);
  });

  it("a shutdown mid-fan-out leaves nothing sending: unclaimed recipients are released and another worker sends them, once", async () => {
    const chats = await subscribeChats(6);
    const signalId = await storeSignal();
    // 400 ms between any two sends: the fan-out takes ~2 s, and close() comes in the middle of it.
    const slow = startAlertWorker({
      db: database.db,
      connection,
      senders: telegramSenders(),
      metrics,
      logger,
      concurrency: 1,
      throttle: noThrottle,
      pacer: new Pacer({ telegram: { perRecipientMs: 0, globalMs: 400 } }),
      sendGraceMs: 500,
    });
    await queue.add({ signalId }, { jobId: alertJobId({ signalId }) });
    const deadline = Date.now() + 10_000;
    while (telegram.sentMessages.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await slow.close();
    const afterShutdown = await statuses(signalId);
    expect(afterShutdown.sending ?? 0).toBe(0);
    expect(afterShutdown.sent ?? 0).toBeGreaterThanOrEqual(2);
    expect(afterShutdown.sent ?? 0).toBeLessThan(6);
    expect(await alertState(signalId)).toBe("pending");

    workers.push(
      startAlertWorker({
        db: database.db,
        connection,
        senders: telegramSenders(),
        metrics,
        logger,
        concurrency: 1,
        throttle: noThrottle,
      }),
    );
    const outcome = (await waiter.wait([alertJobId({ signalId })], { timeoutMs: 15_000 })).get(
      alertJobId({ signalId }),
    );
    expect(outcome?.state).toBe("completed");
    expect(await statuses(signalId)).toEqual({ sent: 6 });
    for (const chat of chats) expect(messagesTo(chat)).toBe(1);
    expect(await alertState(signalId)).toBe("done");
  });

  it("sending → uncertain by the sweeper once a claim is older than any live send can be", async () => {
    await subscribeChats(1);
    const signalId = await storeSignal();
    const signal = (await findSignal(database.db, signalId))!;
    const [subscriber] = (await sql<{ id: number }>`select id from subscribers`.execute(database.db)).rows;
    const alert = (
      await sql<{ id: number }>`select id from alerts where signal_id = ${signal.id}`.execute(database.db)
    ).rows[0]!;
    await sql`insert into alert_deliveries (alert_id, subscriber_id, channel, status, claimed_at)
      values (${alert.id}, ${subscriber!.id}, 'telegram', 'sending', now() - interval '6 minutes')`.execute(
      database.db,
    );
    const swept = await sweepDeliveries({
      db: database.db,
      alertsQueue: queue,
      logger,
      staleSendingMs: 5 * 60_000,
      pendingGraceMs: 3_600_000,
    });
    expect(swept.resolvedStale).toBe(1);
    expect(await statuses(signalId)).toEqual({ uncertain: 1 });
  });

  it("the sweeper gives every owed alert a live job: a lost one is enqueued again, a failed one retried", async () => {
    const chats = await subscribeChats(2);
    const lost = await storeSignal(); // pending, and no job was ever enqueued
    const failed = await storeSignal();
    // A job that failed for good for another reason than its budget (e.g. stalled too often).
    const breaker = createWorker(
      "alerts",
      connection,
      async () => {
        throw unrecoverable(new Error("job stalled more than allowable limit"));
      },
      { concurrency: 1 },
    );
    await queue.add({ signalId: failed }, { jobId: alertJobId({ signalId: failed }) });
    const failedOutcome = (await waiter.wait([alertJobId({ signalId: failed })], { timeoutMs: 10_000 })).get(
      alertJobId({ signalId: failed }),
    );
    expect(failedOutcome?.state).toBe("failed");
    await breaker.close();

    const swept = await sweepDeliveries({ db: database.db, alertsQueue: queue, logger, pendingGraceMs: 0 });
    expect(swept).toMatchObject({ requeued: 1, revived: 1, gaveUp: 0 });
    workers.push(
      startAlertWorker({
        db: database.db,
        connection,
        senders: telegramSenders(),
        metrics,
        logger,
        concurrency: 2,
        throttle: noThrottle,
      }),
    );
    const ids = [alertJobId({ signalId: lost }), alertJobId({ signalId: failed })];
    const outcomes = await waiter.wait(ids, { timeoutMs: 15_000 });
    expect([...outcomes.values()].map((o) => o.state)).toEqual(["completed", "completed"]);
    for (const chat of chats) expect(messagesTo(chat)).toBe(2);
    // Sweeping again finds nothing owed.
    expect(
      await sweepDeliveries({ db: database.db, alertsQueue: queue, logger, pendingGraceMs: 0 }),
    ).toMatchObject({
      requeued: 0,
      revived: 0,
    });
  });

  it("pending → gave_up when the retry budget is spent, with the real cause; vpa alerts retry owes it again", async () => {
    const [chat] = await subscribeChats(1);
    const signalId = await storeSignal();
    let failing = true;
    const flaky: ChannelSender = {
      channel: "telegram",
      async send(recipient, message, delivery) {
        if (failing) {
          throw new DeliveryFailedError("Telegram sendMessage failed: 502 Bad Gateway", {
            channel: "telegram",
            permanent: false,
            providerStatus: 502,
          });
        }
        return telegramSenders().get("telegram")!.send(recipient, message, delivery);
      },
      async close() {},
    };
    workers.push(
      startAlertWorker({
        db: database.db,
        connection: { ...connection, retryBudgetMs: 1_500 },
        senders: new Map([["telegram", flaky]]),
        metrics,
        logger,
        concurrency: 1,
        throttle: noThrottle,
      }),
    );
    await queue.add({ signalId }, { jobId: alertJobId({ signalId }) });
    const outcome = (await waiter.wait([alertJobId({ signalId })], { timeoutMs: 20_000 })).get(
      alertJobId({ signalId }),
    );
    expect(outcome?.state).toBe("failed");
    expect(outcome?.failedReason).toMatch(
      /^gave up after \d+ min of retries: 1 delivery not delivered yet: .*502 Bad Gateway/,
    );
    const deadline = Date.now() + 5_000;
    while ((await alertState(signalId)) !== "gave_up" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await alertState(signalId)).toBe("gave_up");
    expect(await statuses(signalId)).toEqual({ retry: 1 });

    failing = false;
    const requeued = await requeueAlerts(database.db, { statuses: ["failed", "retry"] });
    expect(requeued.alerts.map((a) => a.signalId)).toEqual([signalId]);
    await queue.removeFinished([alertJobId({ signalId })], { includeCompleted: true });
    // A fresh waiter: the first one remembers this job id's failure.
    const secondWaiter = await JobWaiter.start(queue.queue, connection);
    await queue.add({ signalId }, { jobId: alertJobId({ signalId }) });
    const second = (await secondWaiter.wait([alertJobId({ signalId })], { timeoutMs: 20_000 })).get(
      alertJobId({ signalId }),
    );
    await secondWaiter.close();
    expect(second?.state).toBe("completed");
    expect(messagesTo(chat!)).toBe(1);
    expect(await alertState(signalId)).toBe("done");
  });
});
