/**
 * Telegram's ceiling shared by every alert worker (issue 11): two alert workers, each with its own
 * Redis connections and its own limiter client, share one fan-out of 2,000 digests against a
 * loopback Telegram that answers 429 as Telegram does (30 messages/s per bot, 1/s per chat).
 */
import { createPendingAlerts, createScan, insertSignals, upsertStocks } from "@vpa/db";
import {
  alertJobId,
  createLogger,
  createMetrics,
  createQueue,
  digestJobId,
  type TypedQueue,
} from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import {
  type AlertWorkers,
  type ChannelSender,
  createTelegramSender,
  startAlertWorkers,
} from "../src/index.ts";

const TOKEN = "123456:SHARED-limits-abcdefghijklmnopqrstuvwxyz";
const RECIPIENTS = 2_000;
const logger = createLogger({ level: "silent", secrets: [TOKEN] });
const connection = testQueueConnection();

let database: TestDatabase;
let telegram: TelegramStandIn;
let alerts: TypedQueue<"alerts">;
let digests: TypedQueue<"digests">;
const workers: AlertWorkers[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN, floodControl: true });
  alerts = createQueue("alerts", connection);
  digests = createQueue("digests", connection);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await alerts?.close();
  await digests?.close();
  await removeQueuePrefix(connection);
  await telegram?.close();
  await database?.drop();
});

/** A Telegram sender that counts what this worker sent. */
function countingSender(counter: { sent: number }): ChannelSender {
  const sender = createTelegramSender({ token: TOKEN, apiRoot: telegram.apiRoot });
  return {
    channel: "telegram",
    async send(recipient, message, delivery) {
      const receipt = await sender.send(recipient, message, delivery);
      counter.sent++;
      return receipt;
    },
    close: () => sender.close(),
  };
}

describe("two alert workers share Telegram's limits", () => {
  it("deliver one digest to each of 2,000 chats, both doing part of it, without loss, repeat or a flood of 429s", async () => {
    const stockId = (await upsertStocks(database.db, [{ symbol: "FPT", exchange: "HOSE" }])).get("FPT")!;
    // 2,000 private chats in digest mode, each subscribed to everything.
    await sql`
        with s as (
          insert into subscribers (channel, address)
          select 'telegram', (100000 + g)::text from generate_series(1, ${RECIPIENTS}) g
          returning id
        )
        insert into subscriptions (subscriber_id) select id from s`.execute(database.db);
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    const stored = await insertSignals(
      database.db,
      stockId,
      "1D",
      ["2021-07-13", "2021-07-14", "2021-07-15"].map((time, i) => ({
        time,
        type: "NO_SUPPLY" as const,
        bias: "bull" as const,
        score: 65 + i,
        confidence: 0.5,
        priority: "MEDIUM" as const,
        variant: null,
        features: { vr: 0.5, sr: 0.6, cl: 0.5, trend: "flat" as const },
        close: 101.5,
        volume: 1_000_000,
        priceChange: -0.004,
      })),
    );
    await createPendingAlerts(
      database.db,
      stored.map((row) => ({ signalId: row.id, priority: "MEDIUM" as const })),
      scanId,
    );
    const counters = [{ sent: 0 }, { sent: 0 }];
    for (const counter of counters) {
      workers.push(
        startAlertWorkers({
          db: database.db,
          connection,
          senders: new Map([["telegram", countingSender(counter)]]),
          metrics: createMetrics({ collectProcessMetrics: false }),
          logger,
          concurrency: 8,
          throttle: { cooldownMs: 0, maxPerHour: 0 },
          sweeper: false,
          charts: false,
        }),
      );
    }
    const started = Date.now();
    for (const row of stored)
      await alerts.add({ signalId: row.id }, { jobId: alertJobId({ signalId: row.id }) });
    await digests.add({ scanId }, { jobId: digestJobId({ scanId }) });

    const deadline = Date.now() + 150_000;
    let sent = 0;
    while (Date.now() < deadline) {
      const rows = await sql<{ sent: number }>`
          select count(*)::int as sent from alert_deliveries where status = 'sent'`.execute(database.db);
      sent = rows.rows[0]?.sent ?? 0;
      if (sent === RECIPIENTS) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (Date.now() - started) / 1000;
    expect(sent).toBe(RECIPIENTS);
    // The shared limiter counts each send as the stand-in does (arrivals in a sliding second),
    // from the latest moment it can have arrived (in flight until answered): however late a send
    // leaves or slow its request, none makes a 31st in a second. No 429 at all (it had 0-5 when
    // sends were counted from their departure with a 50 ms margin).
    const tooMany = telegram.requests.filter((request) => request.status === 429);
    expect(tooMany).toHaveLength(0);
    const chats = telegram.sentMessages.map((message) => message.chatId);
    expect(chats).toHaveLength(RECIPIENTS);
    expect(new Set(chats).size).toBe(RECIPIENTS);
    expect(
      telegram.sentMessages.every((message) => message.plainText.includes("Scan digest: 3 signals")),
    ).toBe(true);
    // The fan-out spread over both workers, and together they stayed near the ceiling.
    for (const counter of counters) expect(counter.sent).toBeGreaterThan(RECIPIENTS / 5);
    expect(RECIPIENTS / seconds).toBeGreaterThan(20);
    console.log(
      `2 workers: ${RECIPIENTS} digests in ${seconds.toFixed(1)} s = ${(RECIPIENTS / seconds).toFixed(1)} msg/s ` +
        `(${counters.map((c) => c.sent).join(" + ")}), ${tooMany.length} × 429`,
    );
  }, 180_000);
});
