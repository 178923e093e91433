import { listSubscribers } from "@vpa/db";
import { createLogger } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import { startTelegramBot, type TelegramBot } from "../src/index.ts";

const TOKEN = "654321:BOT-token-abcdefghijklmnopqrstuvwxyz";
let database: TestDatabase;
let telegram: TelegramStandIn;
let bot: TelegramBot;

beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN, botUsername: "vpa_bot" });
  bot = startTelegramBot({
    token: TOKEN,
    apiRoot: telegram.apiRoot,
    db: database.db,
    logger: createLogger({ level: "silent", secrets: [TOKEN] }),
    pollTimeoutSeconds: 1,
    commandsPerMinute: 5,
  });
});
afterAll(async () => {
  await bot?.stop();
  await telegram?.close();
  await database?.drop();
});

function say(chatId: number, text: string) {
  telegram.pushUpdate({
    message: {
      message_id: 1,
      date: 0,
      chat: { id: chatId, type: "private" },
      from: { id: chatId, first_name: "Lan" },
      text,
    },
  });
}

async function repliesTo(chatId: number, count: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const replies = telegram.sentMessages.filter((m) => m.chatId === String(chatId));
    if (replies.length >= count || Date.now() > deadline) return replies;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Telegram bot commands", () => {
  it("publishes its command menu", async () => {
    await repliesTo(0, 0);
    const deadline = Date.now() + 5_000;
    while (telegram.commands === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(telegram.commands?.map((c) => c.command)).toEqual([
      "start",
      "subscribe",
      "unsubscribe",
      "list",
      "signals",
      "quiet",
      "help",
    ]);
  });

  it("subscribes a chat with /subscribe, lists it, and unsubscribes it", async () => {
    say(1001, "/subscribe VCB,FPT min=75 types=SPRING");
    const [subscribed] = await repliesTo(1001, 1);
    expect(subscribed?.plainText).toContain("Subscribed");
    let me = (await listSubscribers(database.db)).find((s) => s.address === "1001");
    expect(me).toMatchObject({ channel: "telegram", isActive: true, name: "Lan" });
    expect(me?.subscriptions).toEqual([{ symbols: ["FPT", "VCB"], signalTypes: ["SPRING"], minScore: 75 }]);

    say(1001, "/list");
    const replies = await repliesTo(1001, 2);
    expect(replies[1]?.plainText).toContain("FPT, VCB, score 75+");

    say(1001, "/quiet 22:00-07:00");
    const quiet = await repliesTo(1001, 3);
    expect(quiet[2]?.plainText).toContain("Quiet hours 22:00-07:00");
    expect((await listSubscribers(database.db)).find((s) => s.address === "1001")?.quietHours).toEqual({
      start: 1320,
      end: 420,
    });

    say(1001, "/unsubscribe");
    await repliesTo(1001, 4);
    me = (await listSubscribers(database.db)).find((s) => s.address === "1001");
    expect(me?.isActive).toBe(false);
  });

  it("answers a bad command with the error and the help, and throttles a flooding chat", async () => {
    say(2002, "/subscribe min=500");
    const [answer] = await repliesTo(2002, 1);
    expect(answer?.plainText).toContain("min must be a whole number from 0 to 100");
    expect(answer?.plainText).toContain("/subscribe");
    for (let i = 0; i < 8; i++) say(2002, "/help");
    const replies = await repliesTo(2002, 6);
    await new Promise((r) => setTimeout(r, 1_500));
    const all = telegram.sentMessages.filter((m) => m.chatId === "2002");
    // 5 commands a minute: 5 answers, one warning, the rest ignored.
    expect(all).toHaveLength(6);
    expect(replies.at(-1)?.plainText).toContain("Too many commands");
  });
});
