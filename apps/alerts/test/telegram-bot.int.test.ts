import { insertSignals, listSubscribers, upsertStocks } from "@vpa/db";
import { createLogger, createQueue, type TypedQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { Api } from "node-telegram-bot-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import {
  type SentTelegramMessage,
  startTelegramStandIn,
  type TelegramStandIn,
} from "../../../test-support/telegram-stand-in.ts";
import { startTelegramBot, type TelegramBot, type TelegramBotOptions } from "../src/index.ts";
import { createReplySender } from "../src/telegram-bot/reply-sender.ts";

const TOKEN = "654321:BOT-token-abcdefghijklmnopqrstuvwxyz";
const ADMIN = 9001;
const logger = createLogger({ level: "silent", secrets: [TOKEN] });
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

let nextMessageId = 1;
function say(telegram: TelegramStandIn, chatId: number, text: string, type = "private") {
  telegram.pushUpdate({
    message: {
      message_id: nextMessageId++,
      date: 0,
      chat: type === "private" ? { id: chatId, type } : { id: chatId, type, title: "Nhóm đầu tư" },
      from: { id: Math.abs(chatId), first_name: "Lan" },
      text,
    },
  });
}

/** A post in a channel: Telegram sends it as `channel_post`, signed by the channel, not a person. */
function post(telegram: TelegramStandIn, channelId: number, text: string) {
  telegram.pushUpdate({
    channel_post: {
      message_id: nextMessageId++,
      date: 0,
      chat: { id: channelId, type: "channel", title: "Kênh tín hiệu" },
      text,
    },
  });
}

async function until<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function repliesTo(telegram: TelegramStandIn, chatId: number, count: number, timeoutMs = 10_000) {
  return until(
    () => telegram.sentMessages.filter((m) => m.chatId === String(chatId)),
    (replies: SentTelegramMessage[]) => replies.length >= count,
    timeoutMs,
  );
}

function sendAttempts(telegram: TelegramStandIn, chatId: number) {
  return telegram.requests.filter(
    (r) => r.method === "sendMessage" && String(r.params.chat_id) === String(chatId),
  );
}

async function subscriberOf(chatId: number) {
  return (await listSubscribers(database.db)).find(
    (s) => s.channel === "telegram" && s.address === String(chatId),
  );
}

function startBot(telegram: TelegramStandIn, options: Partial<TelegramBotOptions> = {}): TelegramBot {
  return startTelegramBot({
    token: TOKEN,
    apiRoot: telegram.apiRoot,
    db: database.db,
    logger,
    pollTimeoutSeconds: 1,
    ...options,
  });
}

describe("Telegram bot commands", () => {
  let telegram: TelegramStandIn;
  let bot: TelegramBot;
  let alertsQueue: TypedQueue<"alerts">;
  const tell = (chatId: number, text: string, type?: string) => say(telegram, chatId, text, type);
  const replies = (chatId: number, count: number, timeoutMs?: number) =>
    repliesTo(telegram, chatId, count, timeoutMs);

  beforeAll(async () => {
    // Flood control on: any reply sent faster than Telegram allows comes back as a 429.
    telegram = await startTelegramStandIn({ token: TOKEN, botUsername: "vpa_bot", floodControl: true });
    alertsQueue = createQueue("alerts", testQueueConnection());
    bot = startBot(telegram, { adminChatIds: [String(ADMIN)], statusQueues: () => [alertsQueue.queue] });
  });
  afterAll(async () => {
    await bot?.stop();
    await telegram?.close();
    if (alertsQueue !== undefined) await obliterateQueues([alertsQueue]);
  });

  it("publishes its command menu, and the admin menu to admin chats", async () => {
    await until(
      () => telegram.requests.filter((r) => r.method === "setMyCommands").length,
      (n) => n >= 2,
    );
    expect(telegram.commands?.map((c) => c.command)).toEqual([
      "start",
      "subscribe",
      "unsubscribe",
      "list",
      "signals",
      "quiet",
      "help",
    ]);
    const adminMenu = telegram.requests.find(
      (r) => r.method === "setMyCommands" && r.params.scope !== undefined,
    );
    expect(adminMenu?.params.scope).toEqual({ type: "chat", chat_id: String(ADMIN) });
    const adminCommands = (adminMenu?.params.commands ?? []) as { command: string }[];
    expect(adminCommands.map((c) => c.command)).toContain("status");
  });

  it("subscribes a chat with /subscribe, lists it, and unsubscribes it", async () => {
    tell(1001, "/subscribe VCB,FPT min=75 types=SPRING");
    const [subscribed] = await replies(1001, 1);
    expect(subscribed?.plainText).toContain("Subscribed");
    let me = await subscriberOf(1001);
    expect(me).toMatchObject({ channel: "telegram", isActive: true, name: "Lan" });
    expect(me?.subscriptions).toEqual([{ symbols: ["FPT", "VCB"], signalTypes: ["SPRING"], minScore: 75 }]);

    tell(1001, "/list");
    expect((await replies(1001, 2))[1]?.plainText).toContain("FPT, VCB, score 75+");

    tell(1001, "/quiet 22:00-07:00");
    expect((await replies(1001, 3))[2]?.plainText).toContain("Quiet hours 22:00-07:00");
    expect((await subscriberOf(1001))?.quietHours).toEqual({ start: 1320, end: 420 });

    tell(1001, "/unsubscribe");
    await replies(1001, 4);
    me = await subscriberOf(1001);
    expect(me?.isActive).toBe(false);
  });

  it("answers a bad command with what was wrong, in Vietnamese and English, and the help", async () => {
    tell(2002, "/subscribe min=500");
    const [answer] = await replies(2002, 1);
    expect(answer?.plainText).toContain("Điểm tối thiểu phải là số nguyên từ 0 đến 100");
    expect(answer?.plainText).toContain("min must be a whole number from 0 to 100");
    expect(answer?.plainText).toContain("/subscribe");
    expect(answer?.plainText).not.toContain("/status");
  });

  it("refuses a subscription of 10,000 symbols with a reply saying why, and stores nothing", async () => {
    const symbols = Array.from({ length: 10_000 }, (_, i) => `S${i}`).join(",");
    tell(4004, `/subscribe ${symbols}`);
    const [refusal] = await replies(4004, 1);
    expect(refusal?.plainText).toContain("Tối đa 200 mã mỗi đăng ký (bạn gửi 10000)");
    expect(refusal?.plainText).toContain("At most 200 symbols per subscription (you sent 10000)");
    expect(await subscriberOf(4004)).toBeUndefined();

    tell(4004, `/subscribe ${Array.from({ length: 200 }, (_, i) => `S${i}`).join(",")}`);
    const confirmation = (await replies(4004, 2))[1];
    expect(confirmation?.plainText).toMatch(
      /^Subscribed: every signal on S0, S1, .*\(\+188\), score 70\+\.$/,
    );
    expect((await subscriberOf(4004))?.subscriptions[0]?.symbols).toHaveLength(200);
  });

  it("answers 15 quick /list commands from one chat: every answer (and the one warning) delivered, paced, no 429", async () => {
    for (let i = 0; i < 15; i++) tell(5005, "/list");
    // 10 commands a minute (the default): 10 answers, then one warning, the rest ignored.
    const answers = await replies(5005, 11, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const all = telegram.sentMessages.filter((m) => m.chatId === "5005");
    expect(all).toHaveLength(11);
    for (const answer of answers.slice(0, 10)) expect(answer.plainText).toContain("no active subscription");
    expect(answers[10]?.plainText).toContain("Quá nhiều lệnh");
    expect(answers[10]?.plainText).toContain("Too many commands");
    const attempts = sendAttempts(telegram, 5005);
    expect(attempts.filter((r) => r.status === 429)).toEqual([]);
    const gaps = attempts.slice(1).map((r, i) => r.receivedAt - attempts[i]!.receivedAt);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
  });

  it("waits retry_after when Telegram answers a reply with 429, and sends it then", async () => {
    telegram.rateLimitNext(2, 1);
    tell(6006, "/help");
    const [help] = await replies(6006, 1);
    expect(help?.plainText).toContain("/subscribe");
    const attempts = sendAttempts(telegram, 6006);
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(attempts[2]!.receivedAt - attempts[1]!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("answers /status to an admin chat only: subscribers, subscriptions, last signal, deliveries, queues", async () => {
    const stockId = (
      await upsertStocks(database.db, [{ symbol: "PVD", name: "PV Drilling", exchange: "HOSE" }])
    ).get("PVD")!;
    const [signal] = await insertSignals(database.db, stockId, "1D", [
      {
        time: "2024-03-04",
        type: "SELLING_CLIMAX",
        bias: "bull",
        score: 87,
        confidence: 0.65,
        priority: "HIGH",
        variant: null,
        features: { vr: 2.8, sr: 1.9, cl: 0.62, trend: "down" },
        close: 23.45,
        volume: 1_234_500,
        priceChange: -0.031,
      },
    ]);
    const subscriberId = (await subscriberOf(4004))!.id;
    await sql`
      with alert as (insert into alerts (signal_id, priority, message) values (${signal!.id}, 'HIGH', 'x') returning id)
      insert into alert_deliveries (alert_id, subscriber_id, channel, status)
      select id, ${subscriberId}, channel, status from alert,
        (values ('telegram', 'sent'), ('email', 'sent'), ('console', 'failed')) as d(channel, status)
    `.execute(database.db);
    await alertsQueue.add({ signalId: signal!.id });

    tell(7007, "/status");
    const [refusal] = await replies(7007, 1);
    expect(refusal?.plainText).toBe(
      "Lệnh /status chỉ dành cho quản trị viên của bot. / /status is for the bot's admins only.",
    );

    tell(ADMIN, "/status");
    const [status] = await replies(ADMIN, 1);
    const active = (await listSubscribers(database.db)).filter((s) => s.isActive);
    const subscriptions = active.reduce((sum, s) => sum + s.subscriptions.length, 0);
    expect(status?.plainText).toContain(`Subscribers: ${active.length} (telegram ${active.length})`);
    expect(status?.plainText).toContain(`Active subscriptions: ${subscriptions}`);
    expect(status?.plainText).toContain("Last signal: PVD SELLING_CLIMAX 2024-03-04 (1D)");
    expect(status?.plainText).toContain("Deliveries, last 24 h: failed 1, sent 2");
    expect(status?.plainText).toContain("• alerts: 1, 0, 0, 0");
  });

  it("shows an admin chat the admin commands in /help", async () => {
    tell(ADMIN, "/help");
    const help = (await replies(ADMIN, 2))[1];
    expect(help?.plainText).toContain("/status");
  });

  it("lets a group subscribe, but not a channel that is not allow-listed", async () => {
    tell(-4242, "/start@vpa_bot", "group");
    expect((await replies(-4242, 1))[0]?.plainText).toContain("Subscribed");
    expect((await subscriberOf(-4242))?.name).toBe("Nhóm đầu tư");

    post(telegram, -100555, "/start");
    const [refusal] = await replies(-100555, 1);
    expect(refusal?.plainText).toContain("Kênh chỉ đăng ký được khi người quản lý bot cho phép");
    expect(refusal?.plainText).toContain("A channel can subscribe only when the bot's operator allows it");
    expect(await subscriberOf(-100555)).toBeUndefined();
  });
});

describe("Telegram bot with an allow-list", () => {
  let telegram: TelegramStandIn;
  let bot: TelegramBot;

  beforeAll(async () => {
    telegram = await startTelegramStandIn({ token: TOKEN, botUsername: "vpa_bot", floodControl: true });
    bot = startBot(telegram, { allowedChatIds: ["3003", "-100777"], adminChatIds: [String(ADMIN + 1)] });
  });
  afterAll(async () => {
    await bot?.stop();
    await telegram?.close();
  });

  it("refuses /start and /subscribe to a chat not on the list, saying why, and stores nothing", async () => {
    say(telegram, 3004, "/start");
    say(telegram, 3004, "/subscribe VCB");
    const answers = await repliesTo(telegram, 3004, 2);
    for (const answer of answers) {
      expect(answer.plainText).toContain("Chat này chưa được phép đăng ký nhận cảnh báo");
      expect(answer.plainText).toContain("This chat may not subscribe");
      expect(answer.plainText).toContain("3004");
    }
    expect(await subscriberOf(3004)).toBeUndefined();
  });

  it("subscribes the listed chats (a channel among them) and the admins", async () => {
    say(telegram, 3003, "/start");
    post(telegram, -100777, "/subscribe VCB");
    say(telegram, ADMIN + 1, "/start");
    for (const chatId of [3003, -100777, ADMIN + 1]) {
      expect((await repliesTo(telegram, chatId, 1))[0]?.plainText, String(chatId)).toContain("Subscribed");
      expect((await subscriberOf(chatId))?.isActive).toBe(true);
    }
    expect((await subscriberOf(-100777))?.name).toBe("Kênh tín hiệu");
  });
});

describe("Telegram bot poll loop", () => {
  const running: { bot: TelegramBot; telegram: TelegramStandIn }[] = [];
  afterAll(async () => {
    for (const { bot, telegram } of running) {
      await bot.stop();
      await telegram.close();
    }
  });

  async function start(options: Partial<TelegramBotOptions> = {}, before?: (tg: TelegramStandIn) => void) {
    const telegram = await startTelegramStandIn({ token: TOKEN, botUsername: "vpa_bot", floodControl: true });
    before?.(telegram);
    const bot = startBot(telegram, options);
    running.push({ bot, telegram });
    return { bot, telegram };
  }

  const polls = (telegram: TelegramStandIn) => telegram.requests.filter((r) => r.method === "getUpdates");

  async function stopTimed(bot: TelegramBot): Promise<number> {
    const started = performance.now();
    await bot.stop();
    return performance.now() - started;
  }

  it("waits retry_after when getUpdates answers 429", async () => {
    const { telegram } = await start({}, (tg) => tg.rateLimitNextUpdates(1, 2));
    const [limited, next] = await until(
      () => polls(telegram),
      (list) => list.length >= 2,
    );
    expect(limited?.status).toBe(429);
    expect(next!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(1_950);
  });

  it("stops within a second while waiting out a long retry_after", async () => {
    const { bot, telegram } = await start({}, (tg) => tg.rateLimitNextUpdates(1, 30));
    await until(
      () => polls(telegram),
      (list) => list.length >= 1,
    );
    expect(await stopTimed(bot)).toBeLessThan(1_000);
    expect(polls(telegram)).toHaveLength(1);
  });

  it("stops within a second while Telegram holds a long poll open", async () => {
    const { bot, telegram } = await start({ pollTimeoutSeconds: 25 });
    await until(
      () => telegram.waitingPolls,
      (waiting) => waiting >= 1,
    );
    expect(await stopTimed(bot)).toBeLessThan(1_000);
  });

  it("stops within a second with paced replies still queued", async () => {
    const { bot, telegram } = await start();
    for (let i = 0; i < 8; i++) say(telegram, 8008, "/help");
    await repliesTo(telegram, 8008, 1);
    expect(await stopTimed(bot)).toBeLessThan(1_000);
    // The queued replies were abandoned, not sent in a burst on the way out.
    expect(telegram.sentMessages.filter((m) => m.chatId === "8008").length).toBeLessThan(8);
  });
});

describe("Telegram bot reply sender", () => {
  it("splits a reply longer than Telegram's 4096 characters into messages Telegram accepts, in order", async () => {
    const telegram = await startTelegramStandIn({ token: TOKEN, floodControl: true });
    const abort = new AbortController();
    try {
      const api = new Api(TOKEN, { apiRoot: telegram.apiRoot, maxRetries: 0 });
      const sender = createReplySender({ api, logger, signal: abort.signal });
      const lines = Array.from({ length: 300 }, (_, i) => `<b>S${i}</b> · score ${i % 100} · A&amp;B`);
      sender.send("8118", `<blockquote>${lines.join("\n")}</blockquote>`);
      await sender.idle();
      const sent = telegram.sentMessages.filter((m) => m.chatId === "8118");
      expect(sent.length).toBeGreaterThan(1);
      for (const message of sent) expect(message.plainText.length).toBeLessThanOrEqual(4096);
      // What the user reads, across the parts, is the whole reply: nothing lost or repeated at the cuts.
      const readable = lines.map((line) => line.replace(/<\/?b>/g, "").replaceAll("&amp;", "&"));
      expect(sent.map((m) => m.plainText).join("\n")).toBe(readable.join("\n"));
      expect(sendAttempts(telegram, 8118).every((r) => r.status === 200)).toBe(true);
    } finally {
      abort.abort();
      await telegram.close();
    }
  });
});
