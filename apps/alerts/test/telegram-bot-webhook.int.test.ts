import { listSubscribers } from "@vpa/db";
import { createLogger } from "@vpa/runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { freePort } from "../../../test-support/free-port.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import {
  type SentTelegramMessage,
  startTelegramStandIn,
  type TelegramStandIn,
} from "../../../test-support/telegram-stand-in.ts";
import { startTelegramBot, type TelegramBot, type TelegramBotOptions } from "../src/index.ts";

/**
 * The bot in webhook mode against the loopback Telegram: the stand-in POSTs each update to the
 * bot's server as Telegram does (the secret token in its header, again after any non-2xx), and
 * everything the bot answers goes back to the stand-in. Real HTTP, Redis and PostgreSQL.
 */

const TOKEN = "777888:WEBHOOK-token-abcdefghijklmnopqrstuvwxyz";
const SECRET = "webhook_Secret-0123456789abcdef";
const PUBLIC_URL = "https://bot.vpa-test.vn/telegram/updates";
const logger = createLogger({ level: "silent", secrets: [TOKEN, SECRET] });
/** The Redis of the reply limits and of the update ledger, removed at the end. */
const connection = testQueueConnection();
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  await removeQueuePrefix(connection);
});

let nextMessageId = 1;
function messageUpdate(chatId: number, text: string): Record<string, unknown> {
  return {
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Lan" },
      from: { id: chatId, is_bot: false, first_name: "Lan" },
      text,
    },
  };
}

async function until<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function repliesTo(telegram: TelegramStandIn, chatId: number): SentTelegramMessage[] {
  return telegram.sentMessages.filter((m) => m.chatId === String(chatId));
}

async function subscriberOf(chatId: number) {
  return (await listSubscribers(database.db)).find(
    (s) => s.channel === "telegram" && s.address === String(chatId),
  );
}

describe("Telegram bot in webhook mode", () => {
  let telegram: TelegramStandIn;
  let port: number;
  const bots: TelegramBot[] = [];

  /** A bot in webhook mode behind the public URL, which the stand-in routes to its port. */
  async function startWebhookBot(options: Partial<TelegramBotOptions> = {}): Promise<TelegramBot> {
    const bot = startTelegramBot({
      token: TOKEN,
      apiRoot: telegram.apiRoot,
      db: database.db,
      logger,
      rateLimit: connection,
      webhook: { url: PUBLIC_URL, secretToken: SECRET, port, host: "127.0.0.1" },
      ...options,
    });
    bots.push(bot);
    await bot.ready;
    return bot;
  }

  beforeAll(async () => {
    telegram = await startTelegramStandIn({ token: TOKEN, botUsername: "vpa_bot", webhookRetryMs: 100 });
  });
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((bot) => bot.stop()));
    telegram.reset();
  });
  afterAll(async () => {
    await telegram?.close();
  });

  beforeAll(async () => {
    port = await freePort();
  });

  it("sets the webhook at start (secret token, the update types it handles, pending updates kept) and answers an update sent before it started", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    // Came while no worker was up: Telegram keeps it, and drop_pending_updates=false keeps it owed.
    telegram.pushUpdate(messageUpdate(3101, "/help"));
    const bot = await startWebhookBot();
    expect(bot.webhookPort).toBe(port);
    expect(telegram.webhook).toEqual({
      url: PUBLIC_URL,
      secretToken: SECRET,
      allowedUpdates: ["message", "channel_post", "callback_query"],
      maxConnections: 40,
    });
    const setWebhook = telegram.requests.filter((r) => r.method === "setWebhook");
    expect(setWebhook).toHaveLength(1);
    expect(String(setWebhook[0]?.params.drop_pending_updates)).toBe("false");
    const [help] = await until(
      () => repliesTo(telegram, 3101),
      (replies) => replies.length >= 1,
    );
    expect(help?.plainText).toContain("/subscribe");
    expect(telegram.pendingUpdates).toBe(0);
  });

  it("answers a /command posted by Telegram, through the same handling as polling", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    await startWebhookBot();
    const update = telegram.pushUpdate(messageUpdate(3202, "/subscribe VCB,FPT min=75"));
    const [answer] = await until(
      () => repliesTo(telegram, 3202),
      (replies) => replies.length >= 1,
    );
    expect(answer?.plainText).toContain("Đã đăng ký");
    expect(answer?.plainText).toContain("Subscribed");
    expect((await subscriberOf(3202))?.subscriptions).toEqual([
      { symbols: ["FPT", "VCB"], signalTypes: null, minScore: 75 },
    ]);
    // Posted once, with the secret token, answered 200: Telegram forgot it.
    const posts = telegram.webhookDeliveries.filter((d) => d.updateId === update.update_id);
    expect(posts).toEqual([expect.objectContaining({ status: 200, secretToken: SECRET, answerLost: false })]);
  });

  it("handles one chat's updates in the order they came, though Telegram posts them at once", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    await startWebhookBot();
    telegram.pushUpdate(messageUpdate(3250, "/subscribe HPG"));
    telegram.pushUpdate(messageUpdate(3250, "/list"));
    const replies = await until(
      () => repliesTo(telegram, 3250),
      (all) => all.length >= 2,
    );
    expect(replies[0]?.plainText).toContain("Subscribed");
    expect(replies[1]?.plainText).toContain("HPG");
  });

  it("refuses a post without the right secret token with 401 and handles nothing", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    await startWebhookBot();
    const body = JSON.stringify({ update_id: 990_001, ...messageUpdate(3303, "/subscribe HPG") });
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/telegram/updates`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": "guessed_secret" })).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": `${SECRET}x` })).status).toBe(401);
    // Nothing but a POST to the webhook's path, nothing oversized.
    expect((await fetch(`http://127.0.0.1:${port}/telegram/updates`)).status).toBe(405);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    const oversized = await fetch(`http://127.0.0.1:${port}/telegram/updates`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify({ update_id: 990_002, padding: "x".repeat(300 * 1024) }),
    });
    expect(oversized.status).toBe(413);
    await pause(500);
    expect(repliesTo(telegram, 3303)).toEqual([]);
    expect(await subscriberOf(3303)).toBeUndefined();
    // The refused update_id was not taken: Telegram's own post of it (with the secret) is handled.
    expect((await post({ "x-telegram-bot-api-secret-token": SECRET })).status).toBe(200);
    await until(
      () => repliesTo(telegram, 3303),
      (replies) => replies.length >= 1,
    );
    expect(await subscriberOf(3303)).toBeDefined();
  });

  it("answers an update Telegram posts again (its 200 was lost) only once", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    await startWebhookBot();
    telegram.loseWebhookAnswers(2);
    const update = telegram.pushUpdate(messageUpdate(3404, "/list"));
    const posts = await until(
      () => telegram.webhookDeliveries.filter((d) => d.updateId === update.update_id),
      (all) => all.some((d) => d.status === 200 && !d.answerLost),
    );
    // Posted three times (two answers lost on the way back), each answered 200 by the bot.
    expect(posts.map((d) => [d.status, d.answerLost])).toEqual([
      [200, true],
      [200, true],
      [200, false],
    ]);
    await until(
      () => repliesTo(telegram, 3404),
      (replies) => replies.length >= 1,
    );
    await pause(1_500);
    expect(repliesTo(telegram, 3404)).toHaveLength(1);
    expect(telegram.pendingUpdates).toBe(0);
  });

  it("a second worker behind the same URL does not answer an update the first one took", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    await startWebhookBot();
    const otherPort = await freePort();
    const other = await startWebhookBot({
      webhook: { url: PUBLIC_URL, secretToken: SECRET, port: otherPort, host: "127.0.0.1" },
    });
    expect(other.webhookPort).toBe(otherPort);
    telegram.loseWebhookAnswers(1);
    const update = telegram.pushUpdate(messageUpdate(3505, "/help"));
    // The load balancer sends the redelivery to the other worker.
    await until(
      () => telegram.webhookDeliveries.filter((d) => d.updateId === update.update_id),
      (all) => all.length >= 1,
    );
    telegram.routeWebhook(`http://127.0.0.1:${otherPort}`);
    await until(
      () => telegram.webhookDeliveries.filter((d) => d.updateId === update.update_id && !d.answerLost),
      (all) => all.length >= 1,
    );
    await pause(1_500);
    expect(repliesTo(telegram, 3505)).toHaveLength(1);
  });

  it("on stop, finishes the updates it took within the drain time, and leaves the rest with Telegram", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    const bot = await startWebhookBot({ drainTimeoutMs: 5_000 });
    // Three commands from one chat: their replies leave one per 1.05 s (the chat's pace), ~2.1 s.
    const taken = ["/help", "/list", "/digest"].map((text) => telegram.pushUpdate(messageUpdate(3606, text)));
    await until(
      () => telegram.webhookDeliveries.filter((d) => d.status === 200).length,
      (n) => n >= taken.length,
    );
    expect(repliesTo(telegram, 3606).length).toBeLessThan(3);
    const startedAt = Date.now();
    await bot.stop();
    const tookMs = Date.now() - startedAt;
    expect(tookMs).toBeLessThan(5_000);
    // Every update it had answered 200 for got its reply before the worker went.
    expect(repliesTo(telegram, 3606)).toHaveLength(3);
    // Stopped: an update arriving now stays with Telegram (the next worker gets it), the webhook stays set.
    telegram.pushUpdate(messageUpdate(3607, "/help"));
    await until(
      () => telegram.webhookDeliveries.filter((d) => d.status === 0).length,
      (n) => n >= 1,
    );
    expect(telegram.pendingUpdates).toBe(1);
    expect(telegram.webhookUrl).toBe(PUBLIC_URL);
    expect(telegram.requests.some((r) => r.method === "deleteWebhook")).toBe(false);
  });

  it("stops within its drain time even when the replies it owes would take longer", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    const bot = await startWebhookBot({ drainTimeoutMs: 600 });
    for (const text of ["/help", "/list", "/digest", "/lang", "/help"])
      telegram.pushUpdate(messageUpdate(3707, text));
    await until(
      () => telegram.webhookDeliveries.filter((d) => d.status === 200).length,
      (n) => n >= 5,
    );
    const startedAt = Date.now();
    await bot.stop();
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    const sentByThen = repliesTo(telegram, 3707).length;
    expect(sentByThen).toBeLessThan(5);
    await pause(1_200);
    // Abandoned, not sent after the stop.
    expect(repliesTo(telegram, 3707)).toHaveLength(sentByThen);
  });

  it("honours retry_after when setWebhook is rate-limited", async () => {
    telegram.routeWebhook(`http://127.0.0.1:${port}`);
    telegram.rateLimitNextCalls("setWebhook", 1, 1);
    await startWebhookBot();
    const calls = telegram.requests.filter((r) => r.method === "setWebhook");
    expect(calls.map((r) => r.status)).toEqual([429, 200]);
    expect((calls[1]?.receivedAt ?? 0) - (calls[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(990);
    expect(telegram.webhookUrl).toBe(PUBLIC_URL);
  });

  it("switching back to polling deletes the webhook (honouring retry_after) and answers what Telegram kept", async () => {
    // A webhook left set by an earlier run in webhook mode, with an update nobody took.
    telegram.routeWebhook(null);
    await fetch(`${telegram.apiRoot}/bot${TOKEN}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: PUBLIC_URL, secret_token: SECRET }),
    });
    telegram.pushUpdate(messageUpdate(3808, "/help"));
    telegram.rateLimitNextCalls("deleteWebhook", 1, 1);
    const bot = startTelegramBot({
      token: TOKEN,
      apiRoot: telegram.apiRoot,
      db: database.db,
      logger,
      rateLimit: connection,
      pollTimeoutSeconds: 1,
    });
    bots.push(bot);
    await bot.ready;
    expect(bot.webhookPort).toBeNull();
    expect(telegram.webhookUrl).toBeNull();
    const deletes = telegram.requests.filter((r) => r.method === "deleteWebhook");
    expect(deletes.map((r) => r.status)).toEqual([429, 200]);
    expect(String(deletes[1]?.params.drop_pending_updates)).toBe("false");
    const [help] = await until(
      () => repliesTo(telegram, 3808),
      (replies) => replies.length >= 1,
    );
    expect(help?.plainText).toContain("/subscribe");
    // And no getUpdates was refused for a webhook still set.
    expect(telegram.requests.filter((r) => r.method === "getUpdates" && r.status === 409)).toEqual([]);
  });
});
