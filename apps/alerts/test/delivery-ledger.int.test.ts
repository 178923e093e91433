/**
 * The delivery state machine of docs/delivery.md, one transition at a time, against the real
 * PostgreSQL, Redis and the loopback Telegram Bot API.
 */
import {
  createPendingAlerts,
  createScan,
  FAN_OUT_OWED_PAGE,
  findOwedFanOutDeliveries,
  insertSignals,
  queueDeliveries,
  requeueDeliveries,
  startAlert,
  startAlertFanOuts,
  subscribe,
  upsertStocks,
} from "@vpa/db";
import {
  alertJobId,
  createLogger,
  createMetrics,
  createQueue,
  createWorker,
  deliveryJobId,
  digestJobId,
  highDeliveryPriority,
  JobWaiter,
  type QueueConnection,
  RedisRateLimiter,
  type TypedQueue,
  unrecoverable,
} from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import {
  type AlertWorkers,
  type Channel,
  type ChannelSender,
  createTelegramSender,
  DeliveryFailedError,
  deliver,
  fanOutAlert,
  OutcomeNotRecordedError,
  type SendOutcome,
  startAlertWorkers,
  sweepDeliveries,
} from "../src/index.ts";
import { deliveryDeps, fanOutAndDeliver, type InlineFlowOptions, tally } from "./support/alert-flow.ts";

const TOKEN = "123456:LEDGER-token-abcdefghijklmnopqrstuvwxyz";
const logger = createLogger({ level: "silent", secrets: [TOKEN] });
const metrics = createMetrics({ collectProcessMetrics: false });
const noThrottle = { cooldownMs: 0, maxPerHour: 0 };

let database: TestDatabase;
let telegram: TelegramStandIn;
let stockId: number;
let connection: QueueConnection;
let queues: {
  alerts: TypedQueue<"alerts">;
  deliveries: TypedQueue<"deliveries">;
  digests: TypedQueue<"digests">;
};
let limiter: RedisRateLimiter;
const running: AlertWorkers[] = [];
const waiters: JobWaiter[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN });
  stockId = (await upsertStocks(database.db, [{ symbol: "HPG", name: "Hoa Phat", exchange: "HOSE" }])).get(
    "HPG",
  )!;
  connection = testQueueConnection();
  queues = {
    alerts: createQueue("alerts", connection),
    deliveries: createQueue("deliveries", connection),
    digests: createQueue("digests", connection),
  };
  limiter = new RedisRateLimiter({ redisUrl: connection.redisUrl, prefix: connection.prefix });
});
afterAll(async () => {
  await limiter?.close();
  await obliterateQueues(queues === undefined ? [] : Object.values(queues));
  // The shared rate limiter's keys (they expire, but a second or so after the file ends).
  if (connection !== undefined) await removeQueuePrefix(connection);
  await telegram?.close();
  await database?.drop();
});
beforeEach(async () => {
  telegram.reset();
  await sql`truncate subscribers, alerts, scans cascade`.execute(database.db);
  for (const queue of Object.values(queues)) await queue.queue.obliterate({ force: true });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((workers) => workers.close()));
  await Promise.all(waiters.splice(0).map((waiter) => waiter.close()));
});

let day = 0;
async function storeSignal(
  options: { priority?: "HIGH" | "MEDIUM" | "LOW"; score?: number; scanId?: number | null } = {},
): Promise<number> {
  day++;
  const time = new Date(Date.UTC(2022, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
  const priority = options.priority ?? "MEDIUM";
  const [stored] = await insertSignals(database.db, stockId, "1D", [
    {
      time,
      type: "SPRING",
      bias: "bull",
      score: options.score ?? 72,
      confidence: 0.5,
      priority,
      variant: "spring",
      features: { vr: 0.8, sr: 1.1, cl: 0.7, trend: "flat" },
      close: 45.6,
      volume: 2_000_000,
      priceChange: 0.012,
    },
  ]);
  await createPendingAlerts(database.db, [{ signalId: stored!.id, priority }], options.scanId ?? null);
  return stored!.id;
}

async function subscribeChats(count: number, mode?: "digest" | "instant"): Promise<string[]> {
  const chats = Array.from({ length: count }, (_, i) => String(9000 + i + (mode === "instant" ? 100 : 0)));
  for (const chat of chats) await subscribe(database.db, { channel: "telegram", address: chat });
  if (mode !== undefined) {
    await sql`update subscribers set delivery_mode = ${mode} where address = any(${chats})`.execute(
      database.db,
    );
  }
  return chats;
}

async function statuses(): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; count: number }>`
    select status, count(*)::int as count from alert_deliveries group by status`.execute(database.db);
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

function inline(overrides: Partial<InlineFlowOptions> = {}): InlineFlowOptions {
  return {
    db: database.db,
    senders: telegramSenders(),
    deliveriesQueue: queues.deliveries,
    limiter,
    logger,
    ...overrides,
  };
}

function startWorkers(overrides: Partial<Parameters<typeof startAlertWorkers>[0]> = {}): AlertWorkers {
  const workers = startAlertWorkers({
    db: database.db,
    connection,
    senders: telegramSenders(),
    metrics,
    logger,
    concurrency: 2,
    throttle: noThrottle,
    sweeper: false,
    ...overrides,
  });
  running.push(workers);
  return workers;
}

async function waiterOn(queue: TypedQueue<"alerts" | "deliveries" | "digests">): Promise<JobWaiter> {
  const waiter = await JobWaiter.start(queue.queue, connection);
  waiters.push(waiter);
  return waiter;
}

function messagesTo(chat: string): number {
  return telegram.sentMessages.filter((m) => m.chatId === chat).length;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("delivery ledger", () => {
  it("pending → done on fan-out; each queued delivery → sent; a re-run owes nobody anything", async () => {
    const chats = await subscribeChats(3);
    const signalId = await storeSignal();
    expect(await alertState(signalId)).toBe("pending");
    const first = await fanOutAndDeliver(signalId, inline());
    expect(tally(first.outcomes)).toEqual({ sent: 3 });
    expect(await alertState(signalId)).toBe("done");
    const again = await fanOutAndDeliver(signalId, inline());
    expect(again.deliveryIds).toEqual([]);
    for (const chat of chats) expect(messagesTo(chat)).toBe(1);
  });

  it("sending → uncertain when Telegram gives no answer after taking the request; resent only when asked by name", async () => {
    const [chat] = await subscribeChats(1);
    const signalId = await storeSignal();
    telegram.delayNext(1, 1_500);
    const flow = inline({ senders: telegramSenders(300) });
    const first = await fanOutAndDeliver(signalId, flow);
    expect(first.outcomes).toEqual([{ kind: "settled", status: "uncertain" }]);
    expect(await statuses()).toEqual({ uncertain: 1 });
    const before = messagesTo(chat!);
    expect(await deliver({ deliveryId: first.deliveryIds[0]! }, deliveryDeps(flow))).toEqual({
      kind: "settled",
      status: "skipped",
    });
    expect(messagesTo(chat!)).toBe(before);

    // `vpa alerts retry` without --status leaves uncertain alone; naming it resends.
    expect((await requeueDeliveries(database.db, { statuses: ["failed"] })).deliveries).toEqual([]);
    const requeued = await requeueDeliveries(database.db, { statuses: ["uncertain"] });
    expect(requeued.deliveries.map((d) => d.id)).toEqual(first.deliveryIds);
    expect(await deliver({ deliveryId: first.deliveryIds[0]! }, deliveryDeps(flow))).toEqual({
      kind: "settled",
      status: "sent",
    });
    expect(messagesTo(chat!)).toBe(before + 1);
  });

  it("a database failure after Telegram accepted a message never resends it: the job keeps the outcome and records it later", async () => {
    const [chat] = await subscribeChats(2);
    const signalId = await storeSignal();
    // PostgreSQL refuses to record a sent delivery (as while it restarts), but not the claim.
    await sql`create or replace function refuse_sent() returns trigger language plpgsql as $$
      begin raise exception 'terminating connection due to administrator command'; end $$`.execute(
      database.db,
    );
    await sql`create trigger refuse_sent before update on alert_deliveries for each row
      when (new.status = 'sent') execute function refuse_sent()`.execute(database.db);
    const remembered: SendOutcome[] = [];
    const memory = (recalled: SendOutcome | null) => ({
      recalled,
      remember: async (outcome: SendOutcome) => void remembered.push(outcome),
    });
    const flow = inline();
    let deliveryIds: number[];
    try {
      const fanned = await fanOutAlert({ signalId }, { db: database.db, deliveriesQueue: queues.deliveries });
      deliveryIds = fanned.deliveryJobIds.map((id) => Number(id.slice("deliver.".length)));
      await expect(
        deliver({ deliveryId: deliveryIds[0]! }, { ...deliveryDeps(flow), outcomeMemory: memory(null) }),
      ).rejects.toThrow(OutcomeNotRecordedError);
    } finally {
      await sql`drop trigger refuse_sent on alert_deliveries`.execute(database.db);
    }
    expect(messagesTo(chat!)).toBe(1);
    expect(remembered).toMatchObject([{ status: "sent" }]);
    expect(await statuses()).toMatchObject({ sending: 1 });
    // The job's next run finds the claim and the remembered outcome: recorded sent, not resent.
    expect(
      await deliver(
        { deliveryId: deliveryIds[0]! },
        { ...deliveryDeps(flow), outcomeMemory: memory(remembered[0]!) },
      ),
    ).toEqual({
      kind: "settled",
      status: "sent",
    });
    expect(messagesTo(chat!)).toBe(1);
    expect(await statuses()).toMatchObject({ sent: 1 });
  });

  it("a HIGH alert to more subscribers than a page owes each a job, and ranks every page alike", async () => {
    // 2,500 whole-market subscribers: the fan-out answers its first 1,000 owed deliveries and
    // reads the rest a page at a time (FAN_OUT_OWED_PAGE), so no worker holds them all at once.
    const chats = 2 * FAN_OUT_OWED_PAGE + 500;
    await sql`with s as (
        insert into subscribers (channel, address)
        select 'telegram', (20000 + g)::text from generate_series(1, ${chats}) g returning id)
      insert into subscriptions (subscriber_id) select id from s`.execute(database.db);
    const first = await storeSignal({ priority: "HIGH", score: 90 });
    const second = await storeSignal({ priority: "HIGH", score: 90 });
    const deps = { db: database.db, deliveriesQueue: queues.deliveries };
    const fannedFirst = await fanOutAlert({ signalId: first }, deps);
    const fannedSecond = await fanOutAlert({ signalId: second }, deps);
    for (const fanned of [fannedFirst, fannedSecond]) {
      expect(fanned).toMatchObject({ recipients: chats, instant: chats });
      expect(new Set(fanned.deliveryJobIds).size).toBe(chats);
    }
    expect(await statuses()).toEqual({ queued: 2 * chats });
    const jobs = await queues.deliveries.queue.getJobs(["prioritized", "waiting"], 0, -1);
    expect(jobs).toHaveLength(2 * chats);
    const priorityOf = new Map(jobs.map((job) => [job.id, job.opts.priority]));
    // The first alert's chats were owed nothing; the second's each one HIGH alert, on every page.
    expect(new Set(fannedFirst.deliveryJobIds.map((id) => priorityOf.get(id)))).toEqual(
      new Set([highDeliveryPriority(0)]),
    );
    expect(new Set(fannedSecond.deliveryJobIds.map((id) => priorityOf.get(id)))).toEqual(
      new Set([highDeliveryPriority(1)]),
    );
    // A re-run owes the same deliveries again (their jobs dedupe), page for page; the statement
    // itself answers one page and the count, whatever the number of subscribers.
    await sql`update alerts set state = 'pending'`.execute(database.db);
    const [started] = await startAlertFanOuts(database.db, [
      {
        signalId: second,
        priority: "HIGH",
        message: "HIGH",
        match: { symbol: "HPG", type: "SPRING", score: 90 },
        everyoneNow: true,
      },
    ]);
    expect(started).toMatchObject({ owedTotal: chats });
    expect(started!.owed).toHaveLength(FAN_OUT_OWED_PAGE);
    const next = await findOwedFanOutDeliveries(database.db, {
      alertId: started!.alert.id,
      high: true,
      afterId: started!.owed.at(-1)!.id,
      limit: FAN_OUT_OWED_PAGE,
    });
    expect(next).toHaveLength(FAN_OUT_OWED_PAGE);
    expect(next[0]!.id).toBeGreaterThan(started!.owed.at(-1)!.id);
    expect(new Set(next.map((delivery) => delivery.highOwedBefore))).toEqual(new Set([1]));
    const again = await fanOutAlert({ signalId: second }, deps);
    expect(again.deliveryJobIds).toEqual(fannedSecond.deliveryJobIds);
    expect(await queues.deliveries.queue.getJobCounts("prioritized", "waiting")).toEqual({
      prioritized: 2 * chats,
      waiting: 0,
    });
  });

  it("a shutdown mid-fan-out leaves nothing sending; the unclaimed rest is sent by another worker, once", async () => {
    const chats = await subscribeChats(6, "instant");
    const signalId = await storeSignal({ priority: "HIGH" });
    // Each send takes ~300 ms; close() comes while the fan-out is under way.
    const real = telegramSenders().get("telegram")!;
    const slow: ChannelSender = {
      channel: "telegram",
      async send(recipient, message, delivery) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return real.send(recipient, message, delivery);
      },
      close: () => real.close(),
    };
    const first = startWorkers({
      senders: new Map([["telegram", slow]]),
      concurrency: 1,
      sendGraceMs: 1_000,
    });
    await queues.alerts.add({ signalId }, { jobId: alertJobId({ signalId }) });
    await until(async () => telegram.sentMessages.length >= 2);
    await first.close();
    const afterShutdown = await statuses();
    expect(afterShutdown.sending ?? 0).toBe(0);
    expect(afterShutdown.sent ?? 0).toBeGreaterThanOrEqual(2);
    expect(afterShutdown.sent ?? 0).toBeLessThan(6);

    startWorkers();
    await until(async () => (await statuses()).sent === 6);
    for (const chat of chats) expect(messagesTo(chat)).toBe(1);
  });

  it("sending → uncertain by the sweeper once a claim is older than any live send can be", async () => {
    await subscribeChats(1);
    const signalId = await storeSignal();
    const alert = await startAlert(database.db, { signalId, priority: "MEDIUM", message: "m" });
    const [subscriber] = (await sql<{ id: number }>`select id from subscribers`.execute(database.db)).rows;
    const [owed] = await queueDeliveries(database.db, { kind: "alert", alertId: alert.id }, [
      { subscriberId: subscriber!.id, channel: "telegram" },
    ]);
    await sql`update alert_deliveries set status = 'sending', claimed_at = now() - interval '6 minutes'
      where id = ${owed!.id}`.execute(database.db);
    const swept = await sweepDeliveries({
      db: database.db,
      alertsQueue: queues.alerts,
      deliveriesQueue: queues.deliveries,
      digestsQueue: queues.digests,
      logger,
      staleSendingMs: 5 * 60_000,
      graceMs: 3_600_000,
    });
    expect(swept.resolvedStale).toBe(1);
    expect(await statuses()).toEqual({ uncertain: 1 });
  });

  it("the sweeper gives all owed work a live job: a lost alert, delivery or digest job is added again, a failed one retried", async () => {
    const [chat] = await subscribeChats(1, "instant");
    await storeSignal(); // an alert pending, and no job was ever enqueued for it
    const failedAlert = await storeSignal();
    // A delivery queued by a fan-out whose enqueue was lost (Redis dropped its last second).
    const orphanSignal = await storeSignal();
    const orphanAlert = await startAlert(database.db, {
      signalId: orphanSignal,
      priority: "MEDIUM",
      message: "m",
    });
    await sql`update alerts set state = 'done' where id = ${orphanAlert.id}`.execute(database.db);
    const [subscriber] = (await sql<{ id: number }>`select id from subscribers`.execute(database.db)).rows;
    await queueDeliveries(database.db, { kind: "alert", alertId: orphanAlert.id }, [
      { subscriberId: subscriber!.id, channel: "telegram" },
    ]);
    // A scan whose digest job was lost.
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    // A job that failed for good for another reason than its budget (e.g. stalled too often).
    const breaker = createWorker(
      "alerts",
      connection,
      async () => {
        throw unrecoverable(new Error("job stalled more than allowable limit"));
      },
      { concurrency: 1 },
    );
    const alertWaiter = await waiterOn(queues.alerts);
    await queues.alerts.add({ signalId: failedAlert }, { jobId: alertJobId({ signalId: failedAlert }) });
    const failed = (
      await alertWaiter.wait([alertJobId({ signalId: failedAlert })], { timeoutMs: 10_000 })
    ).get(alertJobId({ signalId: failedAlert }));
    expect(failed?.state).toBe("failed");
    await breaker.close();

    const sweep = () =>
      sweepDeliveries({
        db: database.db,
        alertsQueue: queues.alerts,
        deliveriesQueue: queues.deliveries,
        digestsQueue: queues.digests,
        logger,
        graceMs: 0,
      });
    expect(await sweep()).toMatchObject({ requeued: 3, revived: 1, gaveUp: 0 });
    startWorkers();
    await until(async () => (await statuses()).sent === 3);
    expect(await statuses()).toEqual({ sent: 3 });
    expect(messagesTo(chat!)).toBe(3);
    await until(async () => {
      const scan = await sql<{
        digest_state: string;
      }>`select digest_state from scans where id = ${scanId}`.execute(database.db);
      return scan.rows[0]?.digest_state === "built";
    });
    expect(await sweep()).toMatchObject({ requeued: 0, revived: 0 });
  });

  it("a delivery whose retry budget is spent fails with the real cause; vpa alerts retry owes it again", async () => {
    const [chat] = await subscribeChats(1, "instant");
    const signalId = await storeSignal();
    let failing = true;
    const real = telegramSenders().get("telegram")!;
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
        return real.send(recipient, message, delivery);
      },
      close: () => real.close(),
    };
    const deliveryWaiter = await waiterOn(queues.deliveries);
    startWorkers({
      connection: { ...connection, retryBudgetMs: 1_500 },
      senders: new Map([["telegram", flaky]]),
    });
    await queues.alerts.add({ signalId }, { jobId: alertJobId({ signalId }) });
    await until(async () => (await statuses()).failed === 1, 20_000);
    const [row] = (
      await sql<{ id: number; error: string }>`select id, error from alert_deliveries`.execute(database.db)
    ).rows;
    expect(row!.error).toMatch(/^gave up after \d+ min of retries: not delivered yet: .*502 Bad Gateway/);
    const outcome = (
      await deliveryWaiter.wait([deliveryJobId({ deliveryId: row!.id })], { timeoutMs: 5_000 })
    ).get(deliveryJobId({ deliveryId: row!.id }));
    expect(outcome?.state).toBe("failed");

    failing = false;
    const requeued = await requeueDeliveries(database.db, { statuses: ["failed"] });
    expect(requeued.deliveries.map((d) => d.id)).toEqual([row!.id]);
    await queues.deliveries.removeFinished([deliveryJobId({ deliveryId: row!.id })], {
      includeCompleted: true,
    });
    await queues.deliveries.add({ deliveryId: row!.id }, { jobId: deliveryJobId({ deliveryId: row!.id }) });
    await until(async () => (await statuses()).sent === 1);
    expect(messagesTo(chat!)).toBe(1);
  });
});

describe("digests", () => {
  it("gives a digest subscriber the HIGH alert at once and the rest of the scan in one digest; instant subscribers get each", async () => {
    const [digestChat] = await subscribeChats(1, "digest");
    const [instantChat] = await subscribeChats(1, "instant");
    await sql`update subscribers set digest_top = 2 where address = ${digestChat!}`.execute(database.db);
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    const high = await storeSignal({ priority: "HIGH", score: 88, scanId });
    const medium = [
      await storeSignal({ score: 75, scanId }),
      await storeSignal({ score: 62, scanId }),
      await storeSignal({ score: 70, scanId }),
    ];
    startWorkers();
    for (const signalId of [high, ...medium]) {
      await queues.alerts.add({ signalId }, { jobId: alertJobId({ signalId }) });
    }
    await queues.digests.add({ scanId }, { jobId: digestJobId({ scanId }) });
    await until(async () => messagesTo(digestChat!) === 2 && messagesTo(instantChat!) === 4);
    const toDigestChat = telegram.sentMessages.filter((m) => m.chatId === digestChat);
    const digest = toDigestChat.find((m) => m.plainText.includes("Bản tin quét"))!;
    // Ranked by score, top 2, then how many more.
    expect(digest.plainText).toMatch(/Bản tin quét: 3 tín hiệu \/ Scan digest: 3 signals/);
    expect(digest.plainText.indexOf("75")).toBeLessThan(digest.plainText.indexOf("70"));
    expect(digest.plainText).not.toMatch(/ 62 /);
    expect(digest.plainText).toContain("và 1 tín hiệu khác: /signals · and 1 more: /signals");
    // The HIGH alert came on its own.
    expect(toDigestChat.filter((m) => m !== digest)).toHaveLength(1);
    // Exactly once per (subscriber, scan): building again adds nothing.
    const again = await queues.digests.add({ scanId }, { jobId: `${digestJobId({ scanId })}-again` });
    await until(async () => (await again.getState()) === "completed");
    expect(messagesTo(digestChat!)).toBe(2);
  });

  it("sends an alert on its own when its scan's digest was built before it existed", async () => {
    const [chat] = await subscribeChats(1, "digest");
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    startWorkers();
    await queues.digests.add({ scanId }, { jobId: digestJobId({ scanId }) });
    await until(async () => {
      const scan = await sql<{
        digest_state: string;
      }>`select digest_state from scans where id = ${scanId}`.execute(database.db);
      return scan.rows[0]?.digest_state === "built";
    });
    // An analyze job that finished after the digest stopped waiting for it.
    const late = await storeSignal({ scanId });
    await queues.alerts.add({ signalId: late }, { jobId: alertJobId({ signalId: late }) });
    await until(async () => (await statuses()).sent === 1);
    expect(messagesTo(chat!)).toBe(1);
    expect(telegram.sentMessages[0]!.plainText).not.toContain("Bản tin quét");
  });

  it("waits for every analyze job of the scan before building the digest", async () => {
    const [chat] = await subscribeChats(1, "digest");
    const analyze = createQueue("analyze", connection);
    try {
      const analyzeJobId = "analyze.test.pending";
      await analyze.add({ symbol: "HPG", timeframe: "1D", barTime: "2022-01-05" }, { jobId: analyzeJobId });
      const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [analyzeJobId] });
      const signalId = await storeSignal({ scanId });
      startWorkers();
      await queues.alerts.add({ signalId }, { jobId: alertJobId({ signalId }) });
      await queues.digests.add({ scanId }, { jobId: digestJobId({ scanId }) });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(messagesTo(chat!)).toBe(0);
      // The analyze job finishes (here: removed, as if it had completed long ago): the digest goes out.
      await analyze.queue.remove(analyzeJobId);
      await until(async () => messagesTo(chat!) === 1);
    } finally {
      await obliterateQueues([analyze]);
    }
  });
});
