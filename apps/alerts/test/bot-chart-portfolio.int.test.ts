/**
 * The bot's /chart and /portfolio against the real PostgreSQL and Redis and the loopback Telegram
 * (flood control on): /chart answers with a photo (the alerts' renderer, cached in the alerts'
 * Redis chart cache) and a caption in the chat's language; an unknown symbol or too few bars get a
 * clear answer in words. /portfolio reads a paper portfolio as `vpa portfolio show` does.
 */
import {
  createPortfolio,
  insertSignals,
  type SignalInput,
  savePortfolioAdvance,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { createLogger } from "@vpa/runtime";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { openPortfolioPosition } from "../../../test-support/portfolio-position.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import {
  type SentTelegramMessage,
  type SentTelegramPhoto,
  startTelegramStandIn,
  type TelegramStandIn,
} from "../../../test-support/telegram-stand-in.ts";
import { startTelegramBot, type TelegramBot } from "../src/index.ts";

const TOKEN = "777001:CHART-portfolio-abcdefghijklmnopqrstuvwxyz";
const logger = createLogger({ level: "silent", secrets: [TOKEN] });
const connection = testQueueConnection();
const VIETNAMESE_CHAT = 5101;
const ENGLISH_CHAT = 5102;

let database: TestDatabase;
let telegram: TelegramStandIn;
let bot: TelegramBot;
let redis: Redis;
let signalId: number;
let nextMessageId = 1;

/** 60 weekdays of daily bars ending on 2026-11-27, a gentle rise; the last bar on high volume. */
function dailyBars(count: number) {
  const bars = [];
  const day = new Date(Date.UTC(2026, 10, 27));
  const dates: string[] = [];
  while (dates.length < count) {
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) dates.unshift(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() - 1);
  }
  for (const [i, time] of dates.entries()) {
    const close = 60 + i * 0.1;
    bars.push({
      time,
      open: close - 0.2,
      high: close + 0.5,
      low: close - 0.6,
      close,
      volume: i === count - 1 ? 5_000_000 : 1_000_000,
    });
  }
  return bars;
}

function say(chatId: number, text: string) {
  telegram.pushUpdate({
    message: {
      message_id: nextMessageId++,
      date: 0,
      chat: { id: chatId, type: "private" },
      from: { id: chatId, first_name: "Lan" },
      text,
    },
  });
}

async function until<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const photosTo = (chatId: number, count: number) =>
  until(
    () => telegram.sentPhotos.filter((p) => p.chatId === String(chatId)),
    (photos: SentTelegramPhoto[]) => photos.length >= count,
  );
const messagesTo = (chatId: number, count: number) =>
  until(
    () => telegram.sentMessages.filter((m) => m.chatId === String(chatId)),
    (messages: SentTelegramMessage[]) => messages.length >= count,
  );

beforeAll(async () => {
  database = await createTestDatabase();
  const ids = await upsertStocks(database.db, [
    { symbol: "VCB", exchange: "HOSE" },
    { symbol: "NEW", exchange: "UPCOM" },
  ]);
  const bars = dailyBars(70);
  await upsertBars(database.db, ids.get("VCB")!, "1D", bars);
  await upsertBars(database.db, ids.get("NEW")!, "1D", dailyBars(5));
  const last = bars.at(-1)!;
  const signal: SignalInput = {
    time: last.time,
    type: "SELLING_CLIMAX",
    bias: "bull",
    score: 87,
    confidence: 0.65,
    priority: "HIGH",
    variant: null,
    features: { vr: 5, sr: 1.9, cl: 0.62, trend: "down" },
    close: last.close,
    volume: last.volume,
    priceChange: 0.0015,
  };
  signalId = (await insertSignals(database.db, ids.get("VCB")!, "1D", [signal]))[0]!.id;
  // /lang en for one chat: its replies are in English only.
  await database.db
    .insertInto("subscribers")
    .values({ channel: "telegram", address: String(ENGLISH_CHAT), name: "Ann", language: "en" })
    .execute();
  redis = new Redis(connection.redisUrl);
  telegram = await startTelegramStandIn({ token: TOKEN, floodControl: true });
  bot = startTelegramBot({
    token: TOKEN,
    apiRoot: telegram.apiRoot,
    db: database.db,
    logger,
    pollTimeoutSeconds: 1,
    chartCache: { redisUrl: connection.redisUrl, prefix: connection.prefix },
    rateLimit: connection,
  });
});

afterAll(async () => {
  await bot?.stop();
  await telegram?.close();
  redis?.disconnect();
  await removeQueuePrefix(connection);
  await database?.drop();
});

describe("/chart", () => {
  it("sends the chart as a photo with a caption in the chat's language, drawn once and cached with the alert's", async () => {
    say(VIETNAMESE_CHAT, "/chart vcb");
    const [photo] = await photosTo(VIETNAMESE_CHAT, 1);
    expect(photo).toBeDefined();
    expect({ width: photo!.width, height: photo!.height, type: photo!.contentType }).toEqual({
      width: 800,
      height: 450,
      type: "image/png",
    });
    // Vietnamese first, English beside it; Vietnamese number and date formats in both halves.
    expect(photo!.plainCaption).toBe(
      "VCB · HOSE · 27/11/2026: đóng cửa 66.900 đ (+0,15 %). Tín hiệu mới nhất: Cao trào bán (tăng), điểm 87, 27/11/2026 (đã đánh dấu). / " +
        "VCB · HOSE · 27/11/2026: close 66.900 đ (+0,15 %). Newest signal: Selling climax (bull), score 87, 27/11/2026 (marked).",
    );
    // The newest signal is on the newest bar: the drawing is that alert's, under the signal's key.
    expect(await redis.exists(`${connection.prefix}:chart:${signalId}`)).toBe(1);

    say(ENGLISH_CHAT, "/chart VCB");
    const [english] = await photosTo(ENGLISH_CHAT, 1);
    expect(english!.plainCaption).toBe(
      "VCB · HOSE · 2026-11-27: close 66,900 VND (+0.15%). Newest signal: Selling climax (bull), score 87, 2026-11-27 (marked).",
    );
    // From the cache: the same bytes.
    expect(Buffer.from(english!.photo).equals(Buffer.from(photo!.photo))).toBe(true);
  });

  it("says so in words for an unknown symbol or too few bars, and sends no photo", async () => {
    say(VIETNAMESE_CHAT, "/chart XYZ");
    say(VIETNAMESE_CHAT, "/chart NEW");
    const replies = await messagesTo(VIETNAMESE_CHAT, 2);
    expect(replies.map((m) => m.plainText)).toEqual([
      "Không có dữ liệu phiên cho XYZ: mã này có niêm yết không? / No stored bars for XYZ: is it a listed symbol?",
      "Quá ít phiên để vẽ biểu đồ NEW: có 5, cần ít nhất 20. / Too few bars for a chart of NEW: 5 stored, at least 20 needed.",
    ]);
    expect(telegram.sentPhotos.filter((p) => p.chatId === String(VIETNAMESE_CHAT))).toHaveLength(1);
  });
});

describe("/portfolio", () => {
  it("shows the paper portfolio's value, last close against VN30 and positions, in both languages", async () => {
    say(ENGLISH_CHAT, "/portfolio");
    const [none] = await messagesTo(ENGLISH_CHAT, 1);
    expect(none!.plainText).toBe("No paper portfolio yet (the operator creates them: vpa portfolio create).");

    const portfolio = (await createPortfolio(database.db, {
      name: "vn30",
      config: {
        strategy: { initialCapital: 500_000_000, futuresMargin: 0.25 },
        symbols: ["VCB", "VN30F1M"],
        benchmark: "VN30",
      },
      startedOn: "2026-11-25",
      state: {},
    }))!;
    await createPortfolio(database.db, { name: "wide", config: {}, startedOn: "2026-11-25", state: {} });
    const row = (date: string, value: number, dailyReturn: number, indexClose: number) => ({
      date,
      cash: value - 66_900_000,
      invested: 66_900_000,
      value,
      positions: 1,
      dailyReturn,
      indexClose,
    });
    await savePortfolioAdvance(database.db, {
      portfolioId: portfolio.id,
      fromSession: null,
      lastSession: "2026-11-27",
      state: {},
      open: [
        {
          symbol: "VCB",
          status: "open",
          signalType: "SELLING_CLIMAX",
          signalTime: "2026-11-25",
          signalScore: 87,
          entryTime: "2026-11-26",
          entryPrice: 66_000,
          quantity: 1_000,
          lastPrice: 66_900,
          exitTime: null,
          exitPrice: null,
          exitReason: null,
          holdingDays: null,
          grossPnl: null,
          fees: 99_000,
          tax: null,
          netPnl: null,
          netReturn: null,
        },
        // 2 contracts at 1,250 points on a 25 % deposit (62.5 M VND), last 1,262.5: +1 % of the
        // index, ~+4 % of the deposit after its costs (fees 2 × 6,700, tax 21,250).
        openPortfolioPosition({
          symbol: "VN30F1M",
          signalType: "EFFORT_TO_RISE",
          entryTime: "2026-11-27",
          entryPrice: 1_250_000,
          quantity: 200,
          lastPrice: 1_262_500,
          fees: 13_400,
          tax: 21_250,
        }),
      ],
      closed: [],
      performance: [row("2026-11-26", 500_000_000, 0, 1_300), row("2026-11-27", 504_000_000, 0.008, 1_303.9)],
    });

    say(VIETNAMESE_CHAT, "/portfolio");
    say(ENGLISH_CHAT, "/portfolio vn30");
    say(ENGLISH_CHAT, "/portfolio nope");
    const [, , vietnamese] = await messagesTo(VIETNAMESE_CHAT, 3);
    expect(vietnamese!.plainText.split("\n")).toEqual([
      "Danh mục mẫu vn30 (từ 25/11/2026; phiên gần nhất 27/11/2026) / Paper portfolio vn30 (since 25/11/2026; last close 27/11/2026)",
      "Giá trị 504.000.000 đ, tiền mặt 437.100.000 đ, tổng +0,80 % / Value 504.000.000 đ, cash 437.100.000 đ, total +0,80 %",
      "Phiên gần nhất: +0,80 %; VN30 +0,30 % / Last close: +0,80 %; VN30 +0,30 %",
      "Vị thế đang mở (2): / Open positions (2):",
      // Newest entry first.
      "• VN30F1M: 2 HĐ giá 1.250,0 điểm, hiện 1.262,5 điểm (+3,94 % trên ký quỹ) / VN30F1M: 2 contracts at 1.250,0 points, now 1.262,5 points (+3,94 % on the deposit)",
      "• VCB: 1.000 cp giá 66.000 đ, hiện 66.900 đ (+1,21 %) / VCB: 1.000 shares at 66.000 đ, now 66.900 đ (+1,21 %)",
      "0 giao dịch đã đóng, lãi/lỗ 0 đ / 0 closed trades, realised 0 đ",
      "Danh mục khác: wide (/portfolio TÊN) / Other portfolios: wide (/portfolio NAME)",
    ]);
    const [, english, unknown] = await messagesTo(ENGLISH_CHAT, 3);
    expect(english!.plainText.split("\n").slice(0, 3)).toEqual([
      "Paper portfolio vn30 (since 2026-11-25; last close 2026-11-27)",
      "Value 504,000,000 VND, cash 437,100,000 VND, total +0.80%",
      "Last close: +0.80%; VN30 +0.30%",
    ]);
    expect(unknown!.plainText).toBe("No paper portfolio nope. There are: vn30, wide.");
  });
});
