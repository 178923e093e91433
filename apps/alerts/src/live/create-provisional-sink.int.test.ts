import { subscribe, updateSubscriberSettings } from "@vpa/db";
import { createLogger, loadConfig } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { DID_NOT_HOLD_EVENT } from "../../../../test-support/provisional-events.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../../test-support/queues.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../../test-support/telegram-stand-in.ts";
import { createProvisionalSink, type ProvisionalSink } from "./create-provisional-sink.ts";

const TOKEN = "7012345678:AAH-provisional-sink-test";
const connection = testQueueConnection();
let database: TestDatabase;
let telegram: TelegramStandIn;

beforeAll(async () => {
  database = await createTestDatabase();
  // Telegram's flood limits enforced: a send the shared limiter did not pace is answered 429.
  telegram = await startTelegramStandIn({ token: TOKEN, floodControl: true });
});
afterAll(async () => {
  await telegram?.close();
  await removeQueuePrefix(connection);
  await database?.drop();
});

const didNotHold = DID_NOT_HOLD_EVENT;

function sinkConfig() {
  return loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: connection.redisUrl,
    QUEUE_PREFIX: connection.prefix,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    ALERT_LANGUAGE: "en",
  });
}

async function withSink<T>(use: (sink: ProvisionalSink) => Promise<T>): Promise<T> {
  const sink = await createProvisionalSink({
    db: database.db,
    config: sinkConfig(),
    connection,
    logger: createLogger({ level: "silent", secrets: [TOKEN] }),
    writeConsole: () => {},
  });
  try {
    return await use(sink);
  } finally {
    await sink.close();
  }
}

describe("createProvisionalSink", () => {
  it("sends to the live Telegram chats from the configuration, paced by the shared limiter", async () => {
    await subscribe(database.db, { channel: "telegram", address: "1001", minScore: 70 });
    await subscribe(database.db, { channel: "telegram", address: "1002", minScore: 70 });
    await updateSubscriberSettings(database.db, "telegram", "1001", { live: true });
    // Two messages to one chat at once: the second waits for the chat's slot instead of a 429.
    const results = await withSink((sink) =>
      Promise.all([
        sink.deliver(didNotHold),
        sink.deliver({ ...didNotHold, type: "ABSORPTION", bias: "bear" }),
      ]),
    );
    expect(results).toEqual([
      { sent: 1, skipped: 0, failed: 0 },
      { sent: 1, skipped: 0, failed: 0 },
    ]);
    const sends = telegram.requests.filter((request) => request.method === "sendMessage");
    expect(sends.map((request) => [request.params.chat_id, request.status])).toEqual([
      ["1001", 200],
      ["1001", 200],
    ]);
    // Telegram's one message a second per chat.
    expect(sends[1]!.receivedAt - sends[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
    expect(telegram.sentMessages.map((message) => message.plainText).sort()).toEqual([
      "VN30F1M 1m bar 2023-11-20 10:07 (UTC+7): the provisional Absorption did not hold.",
      "VN30F1M 1m bar 2023-11-20 10:07 (UTC+7): the provisional Effort to rise did not hold.",
    ]);
  });

  it("after a 429 waits out retry_after and sends once more while the alert is fresh; past 5 s it drops it", async () => {
    await subscribe(database.db, {
      channel: "telegram",
      address: "2001",
      symbols: ["VN30F2M"],
      minScore: 70,
    });
    await updateSubscriberSettings(database.db, "telegram", "1001", { live: false });
    await updateSubscriberSettings(database.db, "telegram", "2001", { live: true });
    const event = { ...didNotHold, symbol: "VN30F2M" };
    const before = telegram.requests.length;
    telegram.rateLimitNext(1, 1);
    const retried = await withSink((sink) => sink.deliver(event));
    expect(retried).toEqual({ sent: 1, skipped: 0, failed: 0 });
    const sends = telegram.requests.slice(before).filter((request) => request.method === "sendMessage");
    expect(sends.map((request) => request.status)).toEqual([429, 200]);
    expect(sends[1]!.receivedAt - sends[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
    expect(telegram.sentMessages.filter((m) => m.chatId === "2001")).toHaveLength(1);

    // A retry_after past the alert's 5 s: dropped, not sent late (and not sent twice).
    const later = telegram.requests.length;
    telegram.rateLimitNext(1, 6);
    const dropped = await withSink((sink) => sink.deliver({ ...event, type: "ABSORPTION", bias: "bear" }));
    expect(dropped).toEqual({ sent: 0, skipped: 1, failed: 0 });
    expect(
      telegram.requests
        .slice(later)
        .filter((request) => request.method === "sendMessage")
        .map((r) => r.status),
    ).toEqual([429]);
  }, 20_000);
});
