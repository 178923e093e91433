// The stand-in's sendPhoto (test-support/telegram-stand-in.ts), driven by the real client library
// with a multipart upload: what it records and the errors Telegram answers with.
import { Api, InputFile, TelegramApiError } from "node-telegram-bot-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTelegramStandIn, type TelegramStandIn } from "../../../../../test-support/telegram-stand-in.ts";
import { renderChartPng } from "../../chart/render-chart-png.ts";
import { renderChartSvg } from "../../chart/render-chart-svg.ts";

const TOKEN = "7012345678:PHOTO-token";
let tg: TelegramStandIn;
let api: Api;
let png: Uint8Array;

beforeAll(async () => {
  tg = await startTelegramStandIn({ token: TOKEN });
  api = new Api(TOKEN, { apiRoot: tg.apiRoot, maxRetries: 0 });
  const bar = { time: "2020-03-23", open: 22, high: 24, low: 21, close: 23.45, volume: 1_000 };
  png = await renderChartPng(
    renderChartSvg({
      bars: [bar],
      signalIndex: 0,
      support: null,
      resistance: null,
      bias: "bull",
      title: "VCB",
      subtitle: "",
    }),
  );
});
afterAll(async () => {
  await tg.close();
});
beforeEach(() => tg.reset());

const photo = () => new InputFile(png, { filename: "chart.png", contentType: "image/png" });

async function apiError(promise: Promise<unknown>): Promise<TelegramApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TelegramApiError))
    throw new Error(`expected a TelegramApiError, got ${String(error)}`);
  return error;
}

describe("Telegram stand-in: sendPhoto", () => {
  it("records the uploaded bytes, the caption and its entities, and answers with a photo message", async () => {
    const sent = await api.sendPhoto({
      chat_id: 42,
      photo: photo(),
      caption: "<b>VCB</b> A&amp;B",
      parse_mode: "HTML",
    });

    expect(sent).toMatchObject({ message_id: 1, caption: "VCB A&B", chat: { id: 42, type: "private" } });
    expect(sent.photo?.[0]).toMatchObject({ width: 800, height: 450, file_size: png.byteLength });
    expect(tg.sentPhotos).toHaveLength(1);
    const recorded = tg.sentPhotos[0]!;
    expect(Buffer.from(recorded.photo).equals(Buffer.from(png))).toBe(true);
    expect(recorded).toMatchObject({
      chatId: "42",
      filename: "chart.png",
      contentType: "image/png",
      caption: "<b>VCB</b> A&amp;B",
      plainCaption: "VCB A&B",
      parseMode: "HTML",
    });
    expect(recorded.captionEntities).toEqual([{ type: "bold", offset: 0, length: 3 }]);
    expect(tg.requests[0]?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(tg.sentMessages).toHaveLength(0);
  });

  it("numbers photos and text messages of one chat together", async () => {
    await api.sendMessage({ chat_id: 42, text: "first" });
    const second = await api.sendPhoto({ chat_id: 42, photo: photo() });
    expect(second.message_id).toBe(2);
  });

  it("refuses a caption over 1,024 characters after entity parsing, with Telegram's text", async () => {
    const fits = `<b>${"x".repeat(1024)}</b>`; // 1,024 visible characters: the tags do not count
    await expect(
      api.sendPhoto({ chat_id: 42, photo: photo(), caption: fits, parse_mode: "HTML" }),
    ).resolves.toBeDefined();
    const error = await apiError(
      api.sendPhoto({ chat_id: 42, photo: photo(), caption: "x".repeat(1025), parse_mode: "HTML" }),
    );
    expect(error).toMatchObject({ errorCode: 400, description: "Bad Request: message caption is too long" });
    expect(tg.sentPhotos).toHaveLength(1);
  });

  it("HTML-validates the caption as it does a message text", async () => {
    const error = await apiError(
      api.sendPhoto({ chat_id: 42, photo: photo(), caption: "A<b>&C", parse_mode: "HTML" }),
    );
    expect(error.errorCode).toBe(400);
    expect(error.description).toMatch(/^Bad Request: can't parse entities: /);
  });

  it("refuses bytes that are not an image, and a request without a photo", async () => {
    const notAnImage = new InputFile(new TextEncoder().encode("hello"), { filename: "chart.png" });
    expect(await apiError(api.sendPhoto({ chat_id: 42, photo: notAnImage }))).toMatchObject({
      description: "Bad Request: IMAGE_PROCESS_FAILED",
    });
    expect(await apiError(api.sendPhoto({ chat_id: 42, photo: "" }))).toMatchObject({
      description: "Bad Request: there is no photo in the request",
    });
  });

  it("applies sendMessage's blocks and programmed 429s to photos too", async () => {
    tg.blockChat(7);
    expect(await apiError(api.sendPhoto({ chat_id: 7, photo: photo() }))).toMatchObject({ errorCode: 403 });
    tg.rateLimitNext(1, 2);
    expect(await apiError(api.sendPhoto({ chat_id: 42, photo: photo() }))).toMatchObject({
      errorCode: 429,
      retryAfter: 2,
    });
  });
});
