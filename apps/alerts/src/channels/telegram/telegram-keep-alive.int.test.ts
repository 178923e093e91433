import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramStandIn, type TelegramStandIn } from "../../../../../test-support/telegram-stand-in.ts";
import { sampleAlertContent } from "../../../test/support/sample-alert-content.ts";
import { renderAlert } from "../../render/render-alert.ts";
import type { ChannelSender } from "../channel.ts";
import { createTelegramSender } from "./telegram-sender.ts";

const TOKEN = "7012345678:AAH-keepalive-9876";
/** The server closes a connection idle this long, exactly, as it announces (`timeout=2`). */
const SERVER_KEEP_ALIVE_MS = 2_000;

let tg: TelegramStandIn;
let telegram: ChannelSender;

beforeAll(async () => {
  tg = await startTelegramStandIn({ token: TOKEN, keepAliveTimeoutMs: SERVER_KEEP_ALIVE_MS });
  telegram = createTelegramSender({ token: TOKEN, apiRoot: tg.apiRoot, requestTimeoutMs: 2_000 });
});

afterAll(async () => {
  await telegram.close();
  await tg.close();
});

describe("Telegram sender on a pooled connection the server closes when idle", () => {
  // The keep-alive race behind the bench's one `uncertain` sendPhoto per run: the client reused a
  // pooled socket just as the server closed it as idle, so the request was written and then reset.
  // Before the fix, 14 of 20 such sends failed ("socket hang up" after the request was written).
  it("delivers every message sent just as the server's keep-alive timeout runs out", async () => {
    const alert = renderAlert(sampleAlertContent());
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      await telegram.send({ subscriberId: 7, address: "123456789" }, alert);
      // Idle right up to the server's close, a few ms either side.
      await new Promise((resolve) => setTimeout(resolve, SERVER_KEEP_ALIVE_MS + (i % 3) - 1));
      outcomes.push(
        await telegram.send({ subscriberId: 8, address: "223456789" }, alert).then(
          () => "sent",
          (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`,
        ),
      );
    }

    expect(outcomes).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    expect(tg.sentMessages.filter((m) => m.chatId === "223456789")).toHaveLength(5);
  }, 30_000);
});
