import {
  createScan,
  findSubscriberSettings,
  insertSignals,
  listSubscribers,
  type SignalInput,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { createLogger, createQueue, deliveryJobId, RedisRateLimiter, type TypedQueue } from "@vpa/runtime";
import { scanMarket } from "@vpa/scanner";
import { sql } from "kysely";
import { Api } from "node-telegram-bot-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import {
  checkInlineKeyboard,
  type SentTelegramMessage,
  startTelegramStandIn,
  type TelegramStandIn,
} from "../../../test-support/telegram-stand-in.ts";
import { startTelegramBot, type TelegramBot, type TelegramBotOptions } from "../src/index.ts";
import { PUBLIC_COMMANDS } from "../src/telegram-bot/bot-help.ts";
import { createReplySender } from "../src/telegram-bot/reply-sender.ts";
import { createSharedReplyPacing } from "../src/telegram-bot/shared-reply-pacing.ts";

const TOKEN = "654321:BOT-token-abcdefghijklmnopqrstuvwxyz";
const ADMIN = 9001;
const logger = createLogger({ level: "silent", secrets: [TOKEN] });
let database: TestDatabase;
/** The Redis of the bots' reply limits (the alerts' shared rate limiter), removed at the end. */
const replyLimits = testQueueConnection();

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  await removeQueuePrefix(replyLimits);
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
    rateLimit: replyLimits,
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
      (n) => n >= 3,
    );
    expect(telegram.commands?.map((c) => c.command)).toEqual([...PUBLIC_COMMANDS]);
    // The default menu in the default language (vi: Vietnamese, English beside it), and an English
    // one for clients set to English.
    expect(telegram.commands?.[0]?.description).toBe(
      "Nhận cảnh báo tín hiệu mạnh / Alerts for strong signals",
    );
    const english = telegram.requests.find(
      (r) => r.method === "setMyCommands" && r.params.language_code === "en",
    );
    expect((english?.params.commands as { description: string }[] | undefined)?.[0]?.description).toBe(
      "Alerts for strong signals",
    );
    const adminMenu = telegram.requests.find(
      (r) => r.method === "setMyCommands" && r.params.scope !== undefined,
    );
    expect(adminMenu?.params.scope).toEqual({ type: "chat", chat_id: String(ADMIN) });
    const adminCommands = (adminMenu?.params.commands ?? []) as { command: string }[];
    expect(adminCommands.map((c) => c.command)).toEqual([...PUBLIC_COMMANDS, "status", "scan"]);
  });

  it("subscribes a chat with /subscribe, lists it, and unsubscribes it", async () => {
    tell(1001, "/subscribe VCB,FPT min=75 types=SPRING");
    const [subscribed] = await replies(1001, 1);
    expect(subscribed?.plainText).toContain(
      "Đã đăng ký: Cú lò xo trên FPT, VCB, điểm từ 75. / Subscribed: Spring on FPT, VCB, score 75+.",
    );
    let me = await subscriberOf(1001);
    expect(me).toMatchObject({ channel: "telegram", isActive: true, name: "Lan" });
    expect(me?.subscriptions).toEqual([{ symbols: ["FPT", "VCB"], signalTypes: ["SPRING"], minScore: 75 }]);

    tell(1001, "/list");
    const list = (await replies(1001, 2))[1]?.plainText;
    expect(list).toContain("FPT, VCB, score 75+");
    expect(list).toContain("Delivery: one digest per scan, top 10; HIGH alerts at once");

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
    expect(confirmation?.plainText.split("\n")[0]).toMatch(
      /^Đã đăng ký: mọi tín hiệu trên S0, S1, .*\(\+188\), điểm từ 70\. \/ Subscribed: every signal on S0, S1, .*\(\+188\), score 70\+\.$/,
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

  it("tells an admin that /scan is not available when the bot was started without a way to scan", async () => {
    tell(ADMIN, "/scan");
    const answer = (await replies(ADMIN, 3))[2];
    expect(answer?.plainText).toContain("/scan is not available here");
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

/** Vietnamese letters with a diacritic: an English-only reply has none. */
const VIETNAMESE = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/iu;

interface SentButton {
  readonly text: string;
  readonly callback_data: string;
}

function buttonsOf(markup: unknown): SentButton[] {
  return ((markup as { inline_keyboard?: SentButton[][] } | null)?.inline_keyboard ?? []).flat();
}

const signalInput = (
  time: string,
  type: string,
  score: number,
  priority: SignalInput["priority"],
): SignalInput => ({
  time,
  type,
  bias: "bull",
  score,
  confidence: 0.7,
  priority,
  variant: null,
  features: { vr: 2.8, sr: 1.5, cl: 0.6, trend: "down" },
  close: 23.45,
  volume: 1_000_000,
  priceChange: 0.02,
});

describe("Telegram bot: keyboards, languages, digests, pauses, /top and /scan", () => {
  const SCAN_ADMIN = 9101;
  let telegram: TelegramStandIn;
  let bot: TelegramBot;
  const connection = testQueueConnection();
  let analyzeQueue: TypedQueue<"analyze">;
  let digestsQueue: TypedQueue<"digests">;
  let deliveriesQueue: TypedQueue<"deliveries">;
  const tell = (chatId: number, text: string) => say(telegram, chatId, text);
  const replies = (chatId: number, count: number) => repliesTo(telegram, chatId, count);
  const editsOf = (chatId: number, count: number) =>
    until(
      () => telegram.editedMessages.filter((m) => m.chatId === String(chatId)),
      (list) => list.length >= count,
    );
  const answerOf = (queryId: string) =>
    until(
      () => telegram.answeredCallbackQueries.find((a) => a.callbackQueryId === queryId),
      (answer) => answer !== undefined,
    );
  const settingsOf = (chatId: number) => findSubscriberSettings(database.db, "telegram", String(chatId));

  beforeAll(async () => {
    telegram = await startTelegramStandIn({ token: TOKEN, botUsername: "vpa_bot", floodControl: true });
    analyzeQueue = createQueue("analyze", connection);
    digestsQueue = createQueue("digests", connection);
    deliveriesQueue = createQueue("deliveries", connection);
    bot = startBot(telegram, {
      adminChatIds: [String(SCAN_ADMIN)],
      // What the alerts process passes: a scan as `vpa scan` enqueues it.
      requestScan: async () => {
        const plan = await scanMarket(database.db, analyzeQueue, {
          timeframe: "1D",
          digestQueue: digestsQueue,
        });
        return { symbols: plan.jobIds.length };
      },
      heldDeliveries: () => deliveriesQueue.queue,
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await telegram?.close();
    await obliterateQueues([analyzeQueue, digestsQueue, deliveriesQueue].filter((q) => q !== undefined));
  });

  it("chooses the signal types of a subscription with buttons: each tap answered, saved, and shown", async () => {
    tell(1101, "/subscribe VCB");
    const [offer] = await replies(1101, 1);
    expect(offer?.plainText).toContain("Chọn các loại tín hiệu bạn muốn");
    expect(checkInlineKeyboard(offer?.params.reply_markup)).toBeNull();
    const buttons = buttonsOf(offer?.params.reply_markup);
    expect(buttons.map((b) => b.text)).toContain("⬜ Cú lò xo / Spring");
    expect(buttons.at(-1)?.text).toBe("Xong / Done");
    const tap = (data: string) =>
      telegram.pushCallbackQuery({ chatId: 1101, messageId: offer!.messageId, data });
    const dataOf = (suffix: string) => buttons.find((b) => b.callback_data.endsWith(suffix))!.callback_data;

    const spring = tap(dataOf(":SPRING"));
    expect((await answerOf(spring))?.text).toBe("Đã lưu: 1 loại tín hiệu / Saved: 1 signal type");
    const [first] = await editsOf(1101, 1);
    expect(first?.plainText).toContain(
      "Đã đăng ký: Cú lò xo trên VCB, điểm từ 70. / Subscribed: Spring on VCB, score 70+.",
    );
    expect(checkInlineKeyboard(first?.replyMarkup)).toBeNull();
    expect(buttonsOf(first?.replyMarkup).map((b) => b.text)).toContain("✅ Cú lò xo / Spring");
    expect((await subscriberOf(1101))?.subscriptions[0]?.signalTypes).toEqual(["SPRING"]);

    const test = tap(dataOf(":TEST"));
    await answerOf(test);
    await editsOf(1101, 2);
    expect((await subscriberOf(1101))?.subscriptions[0]?.signalTypes).toEqual(["SPRING", "TEST"]);

    const done = tap(dataOf(":done"));
    expect((await answerOf(done))?.text).toBe("Đã lưu: 2 loại tín hiệu / Saved: 2 signal types");
    const edits = await editsOf(1101, 3);
    expect(edits[2]?.replyMarkup).toBeNull(); // the buttons are gone
    expect(edits[2]?.plainText).not.toContain("Chọn");
    expect(edits[2]?.plainText).toContain("Spring, Test on VCB, score 70+.");
  });

  it("lets no chat change another chat's subscription with forged button data", async () => {
    const owner = await subscriberOf(1101);
    tell(1102, "/start");
    const [welcome] = await replies(1102, 1);
    const [, id] = /^types:(\d+):/.exec(
      buttonsOf((await repliesTo(telegram, 1101, 1))[0]?.params.reply_markup)[0]!.callback_data,
    )!;
    const forged = telegram.pushCallbackQuery({
      chatId: 1102,
      messageId: welcome!.messageId,
      data: `types:${id}:*`,
    });
    expect((await answerOf(forged))?.text).toBe(
      "Đăng ký này không còn nữa. / This subscription no longer exists.",
    );
    expect((await subscriberOf(1101))?.subscriptions).toEqual(owner?.subscriptions);
  });

  it("answers in English only after /lang en, and in Vietnamese with English beside it after /lang vi", async () => {
    tell(1201, "/lang en");
    expect((await replies(1201, 1))[0]?.plainText).toBe("Subscribe first with /start.");
    tell(1201, "/start");
    tell(1201, "/lang en");
    expect((await replies(1201, 3))[2]?.plainText).toBe("Language: English.");
    expect((await settingsOf(1201))?.language).toBe("en");
    tell(1201, "/help");
    tell(1201, "/digest off");
    tell(1201, "/frobnicate");
    const [help, digest, mistake] = (await replies(1201, 6)).slice(3);
    expect(help?.plainText).toContain("/top [N] – the strongest signals of the last scan");
    expect(help?.plainText).not.toMatch(VIETNAMESE);
    expect(digest?.plainText).toBe("Digest off: every alert comes at once.");
    expect(mistake?.plainText.split("\n")[0]).toBe("Unknown command /frobnicate");
    tell(1201, "/lang vi");
    expect((await replies(1201, 7))[6]?.plainText).toBe(
      "Ngôn ngữ: tiếng Việt, kèm tiếng Anh. / Language: Vietnamese, with English beside it.",
    );
    expect((await settingsOf(1201))?.language).toBe("vi");
  });

  it("sets how alerts reach the chat with /digest on, off and top N", async () => {
    tell(1301, "/digest on");
    expect((await replies(1301, 1))[0]?.plainText).toBe(
      "Hãy đăng ký trước bằng /start. / Subscribe first with /start.",
    );
    expect(await settingsOf(1301)).toBeUndefined();
    tell(1301, "/start");
    tell(1301, "/digest off");
    tell(1301, "/digest top 5");
    tell(1301, "/digest on");
    tell(1301, "/digest");
    tell(1301, "/digest top 99");
    const [, , off, top, on, shown, refused] = await replies(1301, 7);
    expect(off?.plainText).toContain("Digest off: every alert comes at once.");
    expect(top?.plainText).toContain("Your digest lists the top 5 signals.");
    expect(top?.plainText).toContain("Digests are off for this chat: /digest on.");
    expect(on?.plainText).toContain("after each scan, one message with its top 5 signals");
    expect(shown?.plainText).toContain("Delivery: one digest per scan, top 5; HIGH alerts at once");
    expect(refused?.plainText).toContain("Use /digest on, /digest off or /digest top N (N from 1 to 50)");
    expect(await settingsOf(1301)).toMatchObject({ deliveryMode: "digest", digestTop: 5 });
  });

  it("turns provisional alerts of forming bars on and off with /live", async () => {
    tell(1351, "/live on");
    expect((await replies(1351, 1))[0]?.plainText).toBe(
      "Hãy đăng ký trước bằng /start. / Subscribe first with /start.",
    );
    tell(1351, "/start");
    tell(1351, "/live");
    tell(1351, "/live on");
    const [, , shown, on] = await replies(1351, 4);
    expect(shown?.plainText).toContain("Live alerts are off for this chat.");
    expect(on?.plainText).toContain("you also get provisional alerts, labelled");
    expect(await settingsOf(1351)).toMatchObject({ live: true });
    tell(1351, "/live off");
    expect((await replies(1351, 5))[4]?.plainText).toContain("Live alerts off: only alerts of closed bars.");
    expect(await settingsOf(1351)).toMatchObject({ live: false });
  });

  it("holds alerts with /pause, and /resume sends the held ones now", async () => {
    tell(1401, "/start");
    tell(1401, "/pause 2h");
    const [, paused] = await replies(1401, 2);
    const pausedUntil = (await settingsOf(1401))?.pausedUntil?.getTime() ?? 0;
    expect(Math.abs(pausedUntil - (Date.now() + 2 * 3_600_000))).toBeLessThan(60_000);
    // 05/07/2021 14:00: the Vietnamese date and time, Vietnam time.
    expect(paused?.plainText).toMatch(
      /^Tạm dừng cảnh báo đến \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(giờ Việt Nam\)/,
    );

    // An alert owed meanwhile: its delivery job waits, delayed to the pause's end (deliver.job.ts).
    const stockId = (await upsertStocks(database.db, [{ symbol: "MWG", name: null, exchange: "HOSE" }])).get(
      "MWG",
    )!;
    const [held] = await insertSignals(database.db, stockId, "1D", [
      signalInput("2024-03-05", "NO_SUPPLY", 71, "MEDIUM"),
    ]);
    const subscriberId = (await settingsOf(1401))!.subscriberId;
    const delivery = await sql<{ id: number }>`
      with alert as (insert into alerts (signal_id, priority, message) values (${held!.id}, 'MEDIUM', 'x') returning id)
      insert into alert_deliveries (alert_id, subscriber_id, channel, status)
      select id, ${subscriberId}, 'telegram', 'queued' from alert returning id
    `.execute(database.db);
    const jobId = deliveryJobId({ deliveryId: delivery.rows[0]!.id });
    await deliveriesQueue.add({ deliveryId: delivery.rows[0]!.id }, { jobId, delay: 2 * 3_600_000 });
    expect(await (await deliveriesQueue.queue.getJob(jobId))?.getState()).toBe("delayed");

    tell(1401, "/resume");
    expect((await replies(1401, 3))[2]?.plainText).toBe(
      "Đã bật lại cảnh báo; 1 cảnh báo đang chờ sẽ đến ngay. / Alerts resumed; 1 held alert is on the way.",
    );
    expect(await (await deliveriesQueue.queue.getJob(jobId))?.getState()).toBe("waiting");
    expect((await settingsOf(1401))?.pausedUntil).toBeNull();

    tell(1401, "/resume");
    tell(1401, "/pause");
    const [notPaused, untilResume] = (await replies(1401, 5)).slice(3);
    expect(notPaused?.plainText).toBe("Cảnh báo không bị tạm dừng. / Alerts are not paused.");
    expect(untilResume?.plainText).toContain("Alerts paused until you send /resume (");
    const bound = (await settingsOf(1401))?.pausedUntil?.getTime() ?? 0;
    expect(Math.abs(bound - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
  });

  it("lists the newest scan's strongest signals with /top", async () => {
    tell(1501, "/top");
    expect((await replies(1501, 1))[0]?.plainText).toBe("Chưa có lần quét nào. / No scan has run yet.");
    const stocks = await upsertStocks(database.db, [
      { symbol: "FPT", name: "FPT", exchange: "HOSE" },
      { symbol: "VNM", name: "Vinamilk", exchange: "HOSE" },
    ]);
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    const alertOf = async (symbol: string, input: SignalInput) => {
      const [stored] = await insertSignals(database.db, stocks.get(symbol)!, "1D", [input]);
      await sql`insert into alerts (signal_id, priority, message, scan_id) values (${stored!.id}, ${input.priority}, 'x', ${scanId})`.execute(
        database.db,
      );
    };
    await alertOf("FPT", signalInput("2024-03-06", "SELLING_CLIMAX", 88, "HIGH"));
    await alertOf("VNM", signalInput("2024-03-06", "NO_SUPPLY", 64, "LOW"));
    await alertOf("VNM", signalInput("2024-03-06", "TEST", 72, "MEDIUM"));
    tell(1501, "/top 2");
    const lines = (await replies(1501, 2))[1]?.plainText.split("\n") ?? [];
    expect(lines[0]).toMatch(
      /^Tín hiệu mạnh nhất của lần quét gần nhất \(.+\): 2 trên 3 \/ Strongest signals of the last scan \(.+\): 2 of 3$/,
    );
    expect(lines[1]).toBe(
      "1. FPT Cao trào bán / Selling climax ▲ · điểm / score 88 · 23.450 đ · 2,8× KLTB / avg vol",
    );
    expect(lines[2]).toMatch(/^2\. VNM .* · điểm \/ score 72 · /);
    expect(lines[3]).toBe(
      "Lần quét vẫn đang chạy: có thể còn thêm tín hiệu. / The scan is still running: more signals may come.",
    );
  });

  it("enqueues a scan on an admin's /scan, and refuses everyone else", async () => {
    const day = (date: string) => ({ time: date, open: 10, high: 11, low: 9, close: 10.5, volume: 1_000 });
    const stocks = await upsertStocks(database.db, [{ symbol: "FPT", name: "FPT", exchange: "HOSE" }]);
    await upsertBars(database.db, stocks.get("FPT")!, "1D", [day("2024-03-06"), day("2024-03-07")]);
    tell(7101, "/scan");
    expect((await replies(7101, 1))[0]?.plainText).toBe(
      "Lệnh /scan chỉ dành cho quản trị viên của bot. / /scan is for the bot's admins only.",
    );
    expect(await analyzeQueue.queue.count()).toBe(0);
    tell(SCAN_ADMIN, "/scan");
    expect((await replies(SCAN_ADMIN, 1))[0]?.plainText).toBe(
      "Đã xếp lịch quét: 1 mã. /top cho thấy tín hiệu mạnh nhất khi quét xong. / Scan queued: 1 symbol. /top shows its strongest signals once it is done.",
    );
    expect(await analyzeQueue.queue.count()).toBe(1);
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
    const limiter = new RedisRateLimiter(replyLimits);
    try {
      const api = new Api(TOKEN, { apiRoot: telegram.apiRoot, maxRetries: 0 });
      const sender = createReplySender({
        api,
        logger,
        signal: abort.signal,
        pacing: createSharedReplyPacing(limiter),
      });
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
      await limiter.close();
    }
  });
});
