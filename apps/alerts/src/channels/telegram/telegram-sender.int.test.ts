import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTelegramStandIn, type TelegramStandIn } from "../../../../../test-support/telegram-stand-in.ts";
import { readPngSize } from "../../../test/support/decode-png.ts";
import { everythingIn, failureOf } from "../../../test/support/error-dump.ts";
import { sampleAlertContent } from "../../../test/support/sample-alert-content.ts";
import { renderChartPng } from "../../chart/render-chart-png.ts";
import { renderChartSvg } from "../../chart/render-chart-svg.ts";
import { type AlertContent, renderAlert } from "../../render/render-alert.ts";
import type { RenderedMessage } from "../../render/rendered-message.ts";
import type { ChannelSender } from "../channel.ts";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryOutcomeUnknownError } from "../delivery-outcome-unknown-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { createTelegramSender, TELEGRAM_CAPTION_MAX_LENGTH } from "./telegram-sender.ts";

const TOKEN = "7012345678:AAH-secret_Token-part-9876";

const content: AlertContent = sampleAlertContent({ name: "A<b>&C Ngân hàng" });
const alert = renderAlert(content);
const subscriber = { subscriberId: 7, address: "123456789" };

let tg: TelegramStandIn;
let telegram: ChannelSender;

beforeAll(async () => {
  tg = await startTelegramStandIn({ token: TOKEN });
  telegram = createTelegramSender({ token: TOKEN, apiRoot: tg.apiRoot, requestTimeoutMs: 2000 });
});

afterAll(async () => {
  await telegram.close();
  await tg.close();
});

beforeEach(() => tg.reset());

function expectNoToken(error: Error): void {
  const dump = everythingIn(error);
  expect(dump).not.toContain(TOKEN);
  expect(dump).not.toContain("AAH-secret_Token-part-9876");
  expect(dump).not.toContain(encodeURIComponent(TOKEN));
}

describe("Telegram sender against the Bot API stand-in", () => {
  it("sends the escaped HTML alert to the chat with parse_mode HTML and no link preview", async () => {
    const receipt = await telegram.send(subscriber, alert);

    expect(receipt).toEqual({ providerMessageId: "1" });
    expect(tg.sentMessages).toHaveLength(1);
    const sent = tg.sentMessages[0]!;
    expect(sent.chatId).toBe("123456789");
    expect(sent.parseMode).toBe("HTML");
    expect(sent.text).toBe(alert.telegramHtml);
    expect(sent.text).toContain("A&lt;b&gt;&amp;C Ngân hàng");
    expect(sent.plainText).toContain("A<b>&C Ngân hàng");
    expect(sent.plainText).toContain("Selling climax ▲ bull");
    expect(sent.entities).toContainEqual({ type: "bold", offset: 3, length: 3 }); // "VCB"
    expect(sent.params.link_preview_options).toEqual({ is_disabled: true });
    // node-telegram-bot-api 2.x posts form-urlencoded bodies when there is no file.
    expect(tg.requests[0]).toMatchObject({ method: "sendMessage", httpMethod: "POST" });
    expect(tg.requests[0]?.contentType).toContain("application/x-www-form-urlencoded");
  });

  it("numbers messages per chat, as Telegram does", async () => {
    await telegram.send(subscriber, alert);
    const second = await telegram.send(subscriber, alert);
    const otherChat = await telegram.send({ subscriberId: 8, address: "-1001234567890" }, alert);
    expect(second.providerMessageId).toBe("2");
    expect(otherChat.providerMessageId).toBe("1");
  });

  it("surfaces a 429 as DeliveryRateLimitedError with retry_after in ms, without retrying or sending", async () => {
    tg.rateLimitNext(1, 3);

    const error = await failureOf(telegram.send(subscriber, alert));

    expect(error).toBeInstanceOf(DeliveryRateLimitedError);
    expect(error).toMatchObject({ code: "DELIVERY_RATE_LIMITED", retryAfterMs: 3000, channel: "telegram" });
    expect(error.message).toContain("429 Too Many Requests: retry after 3");
    expect(tg.sentMessages).toHaveLength(0);
    expect(tg.requests.filter((request) => request.method === "sendMessage")).toHaveLength(1); // library retries are off
    expectNoToken(error);
  });

  it("maps a user who blocked the bot (403) to RecipientUnreachableError", async () => {
    tg.blockChat(subscriber.address);

    const error = await failureOf(telegram.send(subscriber, alert));

    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(error).toMatchObject({ code: "RECIPIENT_UNREACHABLE", providerStatus: 403 });
    expect(error.message).toContain("Forbidden: bot was blocked by the user");
    expect(tg.sentMessages).toHaveLength(0);
    expectNoToken(error);
  });

  it("maps 400 chat not found to RecipientUnreachableError", async () => {
    tg.forgetChat("555");
    const error = await failureOf(telegram.send({ subscriberId: 9, address: "555" }, alert));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(error.message).toContain("Bad Request: chat not found");
  });

  it("maps a 5xx to a transient DeliveryFailedError, JSON or HTML error page alike, without retrying", async () => {
    tg.failNext(1, 500);
    const jsonFailure = await failureOf(telegram.send(subscriber, alert));
    expect(jsonFailure).toBeInstanceOf(DeliveryFailedError);
    expect(jsonFailure).toMatchObject({ code: "DELIVERY_FAILED", permanent: false, providerStatus: 500 });
    expectNoToken(jsonFailure);

    tg.failNext(1, 502, { html: true });
    const htmlFailure = await failureOf(telegram.send(subscriber, alert));
    expect(htmlFailure).toBeInstanceOf(DeliveryFailedError);
    expect(htmlFailure).toMatchObject({ permanent: false, providerStatus: 502 });
    expectNoToken(htmlFailure);

    expect(tg.requests).toHaveLength(2);
    expect(tg.sentMessages).toHaveLength(0);
  });

  it("maps malformed HTML (400 can't parse entities) to a permanent DeliveryFailedError", async () => {
    const broken = { ...alert, telegramHtml: "<b>VCB</i> A&B" };
    const error = await failureOf(telegram.send(subscriber, broken));
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: true, providerStatus: 400 });
    expect(error.message).toContain("can't parse entities");
  });

  it("maps a too long message to a permanent DeliveryFailedError", async () => {
    const tooLong = { ...alert, telegramHtml: "x".repeat(4097) };
    const error = await failureOf(telegram.send(subscriber, tooLong));
    expect(error).toMatchObject({ permanent: true, providerStatus: 400 });
    expect(error.message).toContain("message is too long");
  });

  it("reports a time-out after the request was written as an unknown outcome (Telegram may have accepted it)", async () => {
    const impatient = createTelegramSender({ token: TOKEN, apiRoot: tg.apiRoot, requestTimeoutMs: 200 });
    tg.delayNext(1, 1000);
    const error = await failureOf(impatient.send(subscriber, alert));
    await impatient.close();
    expect(error).toBeInstanceOf(DeliveryOutcomeUnknownError);
    expect(error.message).toMatch(/no answer after the request was sent.*may have accepted it/);
    expectNoToken(error);
  });

  it("reports a send aborted before its request left as transient: nothing can have arrived", async () => {
    const aborted = new AbortController();
    aborted.abort(new Error("shutting down"));
    const error = await failureOf(telegram.send(subscriber, alert, { key: "k", signal: aborted.signal }));
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: false });
    expect(tg.sentMessages).toHaveLength(0);
  });

  it("reports a connection dropped after the request was read as an unknown outcome, and a refused one as transient", async () => {
    // A server that reads the whole request, then drops the connection without answering.
    const dropper = createServer((request) => {
      request.resume();
      request.on("end", () => request.socket.destroy());
    });
    await new Promise<void>((done) => dropper.listen(0, "127.0.0.1", done));
    const root = `http://127.0.0.1:${(dropper.address() as AddressInfo).port}`;
    const dropped = createTelegramSender({ token: TOKEN, apiRoot: root });
    try {
      const error = await failureOf(dropped.send(subscriber, alert));
      expect(error).toBeInstanceOf(DeliveryOutcomeUnknownError);
      expectNoToken(error);
    } finally {
      await dropped.close();
      await new Promise((done) => dropper.close(done));
    }
    // Nobody listening: the request never left, so it is safe to send again later.
    const refused = createTelegramSender({ token: TOKEN, apiRoot: root });
    const error = await failureOf(refused.send(subscriber, alert));
    await refused.close();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: false });
  });

  it("keeps the token out of errors when the API cannot be reached at all", async () => {
    const unreachable = createTelegramSender({
      token: TOKEN,
      apiRoot: "http://127.0.0.1:9",
      requestTimeoutMs: 2000,
    });
    const error = await failureOf(unreachable.send(subscriber, alert));
    await unreachable.close();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: false });
    expectNoToken(error);
  });

  it("redacts the token that fetch puts into its own error (an invalid API root)", async () => {
    // undici reports "Failed to parse URL from http://bad host:1/bot<token>/sendMessage", with the
    // URL again in the cause's `input` property: the one real leak path of the library.
    const misconfigured = createTelegramSender({ token: TOKEN, apiRoot: "http://bad host:1" });
    const error = await failureOf(misconfigured.send(subscriber, alert));
    await misconfigured.close();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expectNoToken(error);
    expect(everythingIn(error)).toContain("/bot[REDACTED]/sendMessage");
  });

  it("reports a wrong token (401) as a transient configuration failure, without the token", async () => {
    const wrongToken = "7012345678:WRONG-token-value-1234";
    const misconfigured = createTelegramSender({ token: wrongToken, apiRoot: tg.apiRoot });
    const error = await failureOf(misconfigured.send(subscriber, alert));
    await misconfigured.close();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: false, providerStatus: 401 });
    expect(error.message).toContain("401 Unauthorized");
    expect(everythingIn(error)).not.toContain(wrongToken);
  });

  it("rejects an address that is not a chat id without calling the API", async () => {
    const error = await failureOf(telegram.send({ subscriberId: 3, address: "alice@example.test" }, alert));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(tg.requests).toHaveLength(0);
  });
});

describe("Telegram sender: a message with a chart", () => {
  const quoted = renderAlert(sampleAlertContent({ name: `A<b>&"C" 'Ngân hàng'` }));
  let withChart: RenderedMessage;

  beforeAll(async () => {
    const bar = { time: "2020-03-23", open: 22, high: 24, low: 21, close: 23.45, volume: 1_000 };
    const svg = renderChartSvg({
      bars: [bar],
      signalIndex: 0,
      support: null,
      resistance: null,
      bias: "bull",
      title: "VCB · HOSE · 1D · 2020-03-23",
      subtitle: "Selling climax ▲ bull · score 87",
    });
    withChart = { ...quoted, image: { png: await renderChartPng(svg), alt: "VCB chart" } };
  });

  it("sends one photo, the PNG uploaded as multipart, with the escaped HTML alert as its caption", async () => {
    const receipt = await telegram.send(subscriber, withChart);

    expect(receipt).toEqual({ providerMessageId: "1" });
    expect(tg.sentMessages).toHaveLength(0);
    expect(tg.sentPhotos).toHaveLength(1);
    const photo = tg.sentPhotos[0]!;
    expect(Buffer.from(photo.photo).equals(Buffer.from(withChart.image!.png))).toBe(true);
    expect(readPngSize(photo.photo)).toEqual({ width: 800, height: 450 });
    expect(photo).toMatchObject({ chatId: "123456789", filename: "chart.png", contentType: "image/png" });
    expect(photo.parseMode).toBe("HTML");
    expect(photo.caption).toBe(quoted.telegramHtml);
    // < & and quotes arrive as the characters the user reads, escaped on the wire.
    expect(photo.caption).toContain("A&lt;b&gt;&amp;&quot;C&quot; 'Ngân hàng'");
    expect(photo.plainCaption).toContain(`A<b>&"C" 'Ngân hàng'`);
    expect(photo.plainCaption).toContain("Selling climax ▲ bull");
    expect(photo.captionEntities).toContainEqual({ type: "bold", offset: 3, length: 3 }); // "VCB"
    expect(tg.requests).toHaveLength(1);
    expect(tg.requests[0]).toMatchObject({ method: "sendPhoto", httpMethod: "POST" });
    expect(tg.requests[0]?.contentType).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("sends a message too long for a caption as one whole text message, without the photo", async () => {
    const long = `<b>VCB</b> ${"x".repeat(TELEGRAM_CAPTION_MAX_LENGTH)}`;
    const receipt = await telegram.send(subscriber, { ...withChart, telegramHtml: long });
    expect(receipt.providerMessageId).toBe("1");
    expect(tg.sentPhotos).toHaveLength(0);
    expect(tg.sentMessages.map((message) => message.text)).toEqual([long]);
  });

  it("counts the caption after entity parsing: 1,024 visible characters in tags still go as a photo", async () => {
    const exactly = `<b>${"x".repeat(TELEGRAM_CAPTION_MAX_LENGTH - 2)}</b>&amp;&lt;`;
    await telegram.send(subscriber, { ...withChart, telegramHtml: exactly });
    expect(tg.sentPhotos.map((photo) => photo.plainCaption.length)).toEqual([TELEGRAM_CAPTION_MAX_LENGTH]);
  });

  it("maps a blocked chat, a 429 and a 5xx on sendPhoto as on sendMessage, without the token", async () => {
    tg.blockChat(subscriber.address);
    const blocked = await failureOf(telegram.send(subscriber, withChart));
    expect(blocked).toBeInstanceOf(RecipientUnreachableError);
    expectNoToken(blocked);
    tg.unblockChat(subscriber.address);

    tg.rateLimitNext(1, 4);
    const limited = await failureOf(telegram.send(subscriber, withChart));
    expect(limited).toBeInstanceOf(DeliveryRateLimitedError);
    expect(limited).toMatchObject({ retryAfterMs: 4000 });

    tg.failNext(1, 502, { html: true });
    const failed = await failureOf(telegram.send(subscriber, withChart));
    expect(failed).toBeInstanceOf(DeliveryFailedError);
    expect(failed).toMatchObject({ permanent: false, providerStatus: 502 });
    expectNoToken(failed);
    expect(tg.sentPhotos).toHaveLength(0);
  });

  it("reports a photo whose upload was written but never answered as an unknown outcome", async () => {
    const impatient = createTelegramSender({ token: TOKEN, apiRoot: tg.apiRoot, requestTimeoutMs: 200 });
    tg.delayNext(1, 1000);
    const error = await failureOf(impatient.send(subscriber, withChart));
    await impatient.close();
    expect(error).toBeInstanceOf(DeliveryOutcomeUnknownError);
    expectNoToken(error);
  });

  it("reports a photo aborted before its upload left as transient: nothing can have arrived", async () => {
    const aborted = new AbortController();
    aborted.abort(new Error("shutting down"));
    const error = await failureOf(telegram.send(subscriber, withChart, { key: "k", signal: aborted.signal }));
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: false });
    expect(tg.requests).toHaveLength(0);
  });
});
