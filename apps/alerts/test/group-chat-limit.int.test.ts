/**
 * Telegram's group limit end to end (issue 11): a group chat (negative chat id) never receives more
 * than 20 messages a minute, through the real delivery path (alert jobs, delivery jobs, the shared
 * Redis limiter) of two alert workers, against the loopback Telegram with its flood limits on (a
 * 21st message to a group within 60 s is answered 429). 21 instant alerts go to a group and to a
 * private chat: the private chat gets them at its own one a second, the group's 21st waits until
 * the minute has passed. The limiter books Redis's own clock, so the minute is a real one: the
 * test takes about 65 s (21 messages are the fewest that can break the limit).
 */
import { createPendingAlerts, insertSignals, subscribe, upsertStocks } from "@vpa/db";
import { alertJobId, createLogger, createMetrics, createQueue, type TypedQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import { type AlertWorkers, createTelegramSender, startAlertWorkers } from "../src/index.ts";

const TOKEN = "123456:GROUP-limit-abcdefghijklmnopqrstuvwxyz";
const ALERTS = 21;
const GROUP = "-1001234567890";
const PRIVATE = "424242";
const logger = createLogger({ level: "silent", secrets: [TOKEN] });
const connection = testQueueConnection();

let database: TestDatabase;
let telegram: TelegramStandIn;
let alerts: TypedQueue<"alerts">;
const workers: AlertWorkers[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN, floodControl: true });
  alerts = createQueue("alerts", connection);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await alerts?.close();
  await removeQueuePrefix(connection);
  await telegram?.close();
  await database?.drop();
});

/** The most messages `times` (ms, ascending) put in any 60-second window. */
function mostInAMinute(times: readonly number[]): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= 60_000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe("a group chat under Telegram's 20 messages a minute", () => {
  it("gets 21 alerts with never more than 20 in a minute, while a private chat gets its own at 1/s; no 429", async () => {
    const stockId = (await upsertStocks(database.db, [{ symbol: "HPG", exchange: "HOSE" }])).get("HPG")!;
    for (const chat of [GROUP, PRIVATE]) {
      await subscribe(database.db, { channel: "telegram", address: chat, minScore: 0 });
    }
    await sql`update subscribers set delivery_mode = 'instant'`.execute(database.db);
    const days = Array.from({ length: ALERTS }, (_, i) =>
      new Date(Date.UTC(2021, 5, 1) + i * 86_400_000).toISOString().slice(0, 10),
    );
    const stored = await insertSignals(
      database.db,
      stockId,
      "1D",
      days.map((time) => ({
        time,
        type: "NO_SUPPLY" as const,
        bias: "bull" as const,
        score: 60,
        confidence: 0.5,
        priority: "MEDIUM" as const,
        variant: null,
        features: { vr: 0.5, sr: 0.6, cl: 0.5, trend: "flat" as const },
        close: 45.5,
        volume: 1_000_000,
        priceChange: -0.004,
      })),
    );
    // No scan: each alert goes out on its own, at once.
    await createPendingAlerts(
      database.db,
      stored.map((row) => ({ signalId: row.id, priority: "MEDIUM" as const })),
      null,
    );
    for (let i = 0; i < 2; i++) {
      workers.push(
        startAlertWorkers({
          db: database.db,
          connection,
          senders: new Map([["telegram", createTelegramSender({ token: TOKEN, apiRoot: telegram.apiRoot })]]),
          metrics: createMetrics({ collectProcessMetrics: false }),
          logger,
          concurrency: 8,
          throttle: { cooldownMs: 0, maxPerHour: 0 },
          sweeper: false,
          charts: false,
        }),
      );
    }
    for (const row of stored)
      await alerts.add({ signalId: row.id }, { jobId: alertJobId({ signalId: row.id }) });

    const accepted = (chat: string) =>
      telegram.requests
        .filter((r) => r.method === "sendMessage" && r.status === 200 && String(r.params.chat_id) === chat)
        .map((r) => r.receivedAt);
    const deadline = Date.now() + 100_000;
    while (accepted(GROUP).length < ALERTS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const group = accepted(GROUP);
    const personal = accepted(PRIVATE);
    expect({ group: group.length, private: personal.length }).toEqual({ group: ALERTS, private: ALERTS });
    // Every alert once, to each chat: nothing lost, nothing repeated.
    expect(new Set(telegram.sentMessages.map((m) => `${m.chatId}|${m.plainText}`)).size).toBe(2 * ALERTS);
    // The group never got more than 20 in any minute: its 21st came more than a minute after its 1st.
    expect(mostInAMinute(group)).toBeLessThanOrEqual(20);
    expect(group.at(-1)! - group[0]!).toBeGreaterThanOrEqual(60_000);
    // Telegram never had to say so (the stand-in answers 429 past any of its limits).
    expect(telegram.requests.filter((r) => r.status === 429)).toEqual([]);
    // The group's wait held up only the group: the private chat was done in about 21 s.
    expect(personal.at(-1)! - personal[0]!).toBeLessThan(40_000);
  }, 120_000);
});
