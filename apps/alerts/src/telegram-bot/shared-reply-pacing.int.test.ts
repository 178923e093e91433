import { createLogger, RedisRateLimiter } from "@vpa/runtime";
import { Api } from "node-telegram-bot-api";
import { afterAll, describe, expect, it } from "vitest";
import { removeQueuePrefix, testQueueConnection } from "../../../../test-support/queues.ts";
import { startTelegramStandIn } from "../../../../test-support/telegram-stand-in.ts";
import { channelPacing } from "../channels/channel-registry.ts";
import { TELEGRAM_BOT_INTERVAL_MS, TELEGRAM_BOT_WINDOW } from "../channels/telegram/telegram-pacing.ts";
import { createReplySender } from "./reply-sender.ts";
import { createSharedReplyPacing } from "./shared-reply-pacing.ts";

const connection = testQueueConnection();
const replies = new RedisRateLimiter(connection);
const alerts = new RedisRateLimiter(connection);
const alertPacing = channelPacing("telegram", { emailPerSecond: 0 });

afterAll(async () => {
  await replies.close();
  await alerts.close();
  await removeQueuePrefix(connection);
});

/** An alert to `chatId` as the delivery job books it (the other process, the same Redis). */
const bookAlert = (chatId: string) => alerts.tryAcquire(alertPacing.limits(chatId), alertPacing.pause);

describe("the bot's replies and the alerts share Telegram's limits", () => {
  it("a reply takes a slot of the bot-wide pace: an alert to another chat right after it waits", async () => {
    const pacing = createSharedReplyPacing(replies);
    expect((await pacing.tryBook("5001")).waitMs).toBe(0);
    const alert = await bookAlert("5002");
    expect(alert).toMatchObject({ allowed: false, heldBy: "telegram:bot" });
    expect((alert as { waitMs: number }).waitMs).toBeLessThanOrEqual(TELEGRAM_BOT_INTERVAL_MS);
    // And the other way round: an alert's slot holds the next reply back.
    await new Promise((resolve) => setTimeout(resolve, TELEGRAM_BOT_INTERVAL_MS + 10));
    expect(await bookAlert("5003")).toMatchObject({ allowed: true });
    expect((await pacing.tryBook("5004")).waitMs).toBeGreaterThan(0);
  });

  it("a HIGH alert may spend the bot's burst, but not past the window replies count in too", async () => {
    // Its own prefix: the window it fills would hold the other tests' first sends for a second.
    const own = testQueueConnection();
    const ownReplies = new RedisRateLimiter(own);
    const ownAlerts = new RedisRateLimiter(own);
    try {
      const pacing = createSharedReplyPacing(ownReplies);
      const urgentAlertTo = (chatId: string) =>
        ownAlerts.tryAcquire(alertPacing.limits(chatId, true), alertPacing.pause);
      expect((await pacing.tryBook("5100")).waitMs).toBe(0);
      // One bar close's HIGH alerts go at once, where bulk sends would be spaced 33 ms apart.
      for (let i = 1; i < TELEGRAM_BOT_WINDOW.count; i++) {
        expect(await urgentAlertTo(`52${i}`), `alert ${i}`).toMatchObject({ allowed: true });
      }
      const alert = await urgentAlertTo("5300");
      expect(alert).toMatchObject({ allowed: false, heldBy: "telegram:bot" });
      // Held until the first of the 30 (the reply) is a window old, less the ms spent booking.
      expect((alert as { waitMs: number }).waitMs).toBeGreaterThan(TELEGRAM_BOT_WINDOW.ms - 500);
      // And the burst moved the spacing's clock ahead: the next reply waits its turn too.
      expect((await pacing.tryBook("5301")).waitMs).toBeGreaterThan(TELEGRAM_BOT_WINDOW.ms - 500);
    } finally {
      await ownReplies.close();
      await ownAlerts.close();
      await removeQueuePrefix(own);
    }
  });

  it("a chat gets one message a second, reply or alert", async () => {
    const pacing = createSharedReplyPacing(replies);
    await new Promise((resolve) => setTimeout(resolve, TELEGRAM_BOT_INTERVAL_MS + 10));
    expect((await pacing.tryBook("6001")).waitMs).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, TELEGRAM_BOT_INTERVAL_MS + 10));
    const alert = await bookAlert("6001");
    expect(alert).toMatchObject({ allowed: false, heldBy: "telegram:chat:6001" });
    expect((alert as { waitMs: number }).waitMs).toBeGreaterThan(900);
  });

  it("a 429 on a reply pauses the alerts too, for retry_after", async () => {
    const pacing = createSharedReplyPacing(replies);
    await pacing.pauseBot(2_000);
    const alert = await bookAlert("7001");
    expect(alert).toMatchObject({ allowed: false, heldBy: "pause" });
    expect((alert as { waitMs: number }).waitMs).toBeGreaterThan(1_500);
    expect((await pacing.tryBook("7002")).waitMs).toBeGreaterThan(1_500);
  });
});

describe("a bot reply reports its departure to the limiter's windows, as a delivery does", () => {
  it("a reply that left late holds its chat's window from when it left: an alert right after it waits", async () => {
    const token = "424242:departure-test-token-abcdefghij";
    const telegram = await startTelegramStandIn({ token });
    const abort = new AbortController();
    // A busy event loop between the booking and the request: the reply leaves 400 ms after its slot.
    let bookedAt = 0;
    const lateLimiter = {
      tryAcquire: async (...args: Parameters<RedisRateLimiter["tryAcquire"]>) => {
        const decision = await replies.tryAcquire(...args);
        if (!decision.allowed) return decision;
        bookedAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 400));
        return decision;
      },
      pause: replies.pause.bind(replies),
      departed: replies.departed.bind(replies),
      answered: replies.answered.bind(replies),
    };
    try {
      const sender = createReplySender({
        api: new Api(token, { apiRoot: telegram.apiRoot, maxRetries: 0 }),
        logger: createLogger({ level: "silent", secrets: [token] }),
        signal: abort.signal,
        pacing: createSharedReplyPacing(lateLimiter),
      });
      sender.send("8801", "Đã đăng ký / Subscribed");
      await sender.idle();
      expect(telegram.sentMessages.map((m) => m.chatId)).toEqual(["8801"]);
      const arrivedAt = telegram.requests.find((r) => r.method === "sendMessage")?.receivedAt ?? 0;
      expect(arrivedAt - bookedAt).toBeGreaterThanOrEqual(390);
      // 1,100 ms after the booking the chat's spacing (1 s from the booking) has passed, but
      // Telegram counted the reply on arrival: the chat's window (1 in 1,001 ms, counted from its
      // answer) holds the alert until ~1 s after the reply was answered. Without the marks it went now.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, bookedAt + 1_100 - Date.now())));
      const alert = await bookAlert("8801");
      expect(alert).toMatchObject({ allowed: false, heldBy: "telegram:chat:8801" });
      expect((alert as { waitMs: number }).waitMs).toBeGreaterThan(150);
    } finally {
      abort.abort();
      await telegram.close();
    }
  });
});
