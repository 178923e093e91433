// Checks the Bot API stand-in itself (test-support/telegram-stand-in.ts) with the real client, for
// the methods the alert sender does not use yet: getMe, getUpdates (long polling), setMyCommands,
// deleteWebhook, and the 401 a wrong token gets.
import { Api, TelegramApiError } from "node-telegram-bot-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramStandIn, type TelegramStandIn } from "../../../../../test-support/telegram-stand-in.ts";

const TOKEN = "7012345678:STAND-IN-token";
let tg: TelegramStandIn;
let api: Api;

beforeAll(async () => {
  tg = await startTelegramStandIn({ token: TOKEN, botUsername: "vpa_test_bot" });
  api = new Api(TOKEN, { apiRoot: tg.apiRoot, maxRetries: 0 });
});

afterAll(async () => {
  await tg.close();
});

describe("Telegram Bot API stand-in", () => {
  it("answers getMe with the bot user", async () => {
    await expect(api.getMe()).resolves.toMatchObject({
      id: 7012345678,
      is_bot: true,
      username: "vpa_test_bot",
    });
  });

  it("answers a wrong token with 401 Unauthorized, as Telegram does", async () => {
    const stranger = new Api("1:nope", { apiRoot: tg.apiRoot, maxRetries: 0 });
    const error = await stranger.getMe().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error).toMatchObject({ errorCode: 401, description: "Unauthorized" });
  });

  it("serves pushed updates through getUpdates long polling and forgets confirmed ones", async () => {
    await expect(api.deleteWebhook({ drop_pending_updates: true })).resolves.toBe(true);
    const waiting = api.getUpdates({ timeout: 5 });
    setTimeout(
      () =>
        tg.pushUpdate({
          message: { message_id: 1, date: 0, chat: { id: 42, type: "private" }, text: "/start" },
        }),
      50,
    );
    const [first] = await waiting;
    expect(first).toMatchObject({ update_id: 1, message: { text: "/start" } });

    tg.pushUpdate({ message: { message_id: 2, date: 0, chat: { id: 42, type: "private" }, text: "/help" } });
    const next = await api.getUpdates({ offset: first!.update_id + 1, timeout: 0 });
    expect(next.map((update) => update.update_id)).toEqual([2]);
  });

  it("stores the bot commands", async () => {
    await api.setMyCommands({ commands: [{ command: "subscribe", description: "Subscribe to alerts" }] });
    expect(tg.commands).toEqual([{ command: "subscribe", description: "Subscribe to alerts" }]);
    const error = await api
      .setMyCommands({ commands: [{ command: "Bad Command", description: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ errorCode: 400, description: "Bad Request: BOT_COMMAND_INVALID" });
  });
});
