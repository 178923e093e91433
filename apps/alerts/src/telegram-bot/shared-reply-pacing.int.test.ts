import { RedisRateLimiter } from "@vpa/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { removeQueuePrefix, testQueueConnection } from "../../../../test-support/queues.ts";
import { channelPacing } from "../channels/channel-registry.ts";
import { TELEGRAM_BOT_INTERVAL_MS } from "../channels/telegram/telegram-pacing.ts";
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
    expect(await pacing.tryBook("5001")).toBe(0);
    const alert = await bookAlert("5002");
    expect(alert).toMatchObject({ allowed: false, heldBy: "telegram:bot" });
    expect((alert as { waitMs: number }).waitMs).toBeLessThanOrEqual(TELEGRAM_BOT_INTERVAL_MS);
    // And the other way round: an alert's slot holds the next reply back.
    await new Promise((resolve) => setTimeout(resolve, TELEGRAM_BOT_INTERVAL_MS + 10));
    expect(await bookAlert("5003")).toMatchObject({ allowed: true });
    expect(await pacing.tryBook("5004")).toBeGreaterThan(0);
  });

  it("a chat gets one message a second, reply or alert", async () => {
    const pacing = createSharedReplyPacing(replies);
    await new Promise((resolve) => setTimeout(resolve, TELEGRAM_BOT_INTERVAL_MS + 10));
    expect(await pacing.tryBook("6001")).toBe(0);
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
    expect(await pacing.tryBook("7002")).toBeGreaterThan(1_500);
  });
});
