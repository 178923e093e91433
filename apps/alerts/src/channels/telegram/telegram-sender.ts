/**
 * Telegram channel: one `sendMessage` per alert through node-telegram-bot-api 2.x (`Api`, the
 * 1:1 Bot API client; the `Bot` class adds update handling this sender does not need), or one
 * `sendPhoto` when the message has an image (an alert's chart).
 *
 * Choices:
 * - `parse_mode: "HTML"` with `RenderedMessage.telegramHtml`, escaped by the renderer.
 * - A message with an image goes as ONE `sendPhoto`: the PNG uploaded (multipart) with the
 *   message as its caption. Telegram allows 1,024 characters in a caption (after entity parsing)
 *   against 4,096 in a message. A message too long for a caption goes as one `sendMessage`
 *   without the image, whole. Not a photo with a short caption plus a second message: one
 *   delivery is one Telegram message, so a failure between two requests can never leave half an
 *   alert sent whose retry sends the photo twice (docs/delivery.md), and pacing counts one message
 *   per delivery. Not a shortened caption either: the numbers are the alert, the chart only
 *   illustrates it. An alert fits by construction (its fields are capped; a few hundred
 *   characters in practice); only a digest (which carries no chart) or a corrupt row could not.
 * - Link previews off (`link_preview_options.is_disabled`): an alert is its text; a preview of
 *   some URL in a company name would only push the numbers down.
 * - The library's own retries are OFF (`maxRetries: 0`): by default it sleeps through 429s and
 *   retries 5xx inside `sendMessage`, which would hide flood control from the worker and hold a
 *   job slot for up to a minute. Here one call is one attempt; the worker paces and retries.
 * - No library `rateLimit` either: pacing (~30 msg/s per bot, ~1 msg/s per chat) is the worker's.
 * - A request timeout of 10 s by default (the library's default is 5 minutes, meant for uploads).
 * - The token is in every request URL; errors are rebuilt with the token redacted.
 * - Requests go through a write-tracking fetch: a failure after the request was written in full is
 *   `DeliveryOutcomeUnknownError` (Telegram may have accepted it; never resent), one before it is a
 *   transient `DeliveryFailedError` (docs/delivery.md). A photo's multipart upload too: the fetch
 *   buffers the library's streamed body, so "written" means the whole upload.
 */
import { Api, InputFile } from "node-telegram-bot-api";
import type { RenderedMessage } from "../../render/rendered-message.ts";
import { truncateTelegramHtml } from "../../render/telegram-html.ts";
import type { ChannelSender, Recipient, SentReceipt } from "../channel.ts";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { secretVariants } from "../redact-secrets.ts";
import { createWriteTrackingFetch } from "../write-tracking-fetch.ts";
import { toTelegramDeliveryError } from "./telegram-delivery-error.ts";

export const DEFAULT_TELEGRAM_API_ROOT = "https://api.telegram.org";
export const DEFAULT_TELEGRAM_REQUEST_TIMEOUT_MS = 10_000;

/** Telegram's limit for a photo caption, in UTF-16 code units after entity parsing. */
export const TELEGRAM_CAPTION_MAX_LENGTH = 1024;

export interface TelegramSenderOptions {
  /** Bot token from @BotFather (`123456:ABC-…`). Never logged, never in errors. */
  readonly token: string;
  /** Bot API origin. Default `https://api.telegram.org`; tests point it at the stand-in. */
  readonly apiRoot?: string;
  /** Per-request timeout in ms. Default 10 000. */
  readonly requestTimeoutMs?: number;
}

/**
 * Creates the Telegram sender. `recipient.address` is the chat id as a string.
 *
 * @example
 * const telegram = createTelegramSender({ token: config.telegramBotToken });
 * const receipt = await telegram.send({ subscriberId: 7, address: "123456789" }, renderAlert(content));
 * receipt.providerMessageId; // "42", the message_id within that chat
 * await telegram.close();
 */
export function createTelegramSender(options: TelegramSenderOptions): ChannelSender {
  const secrets = secretVariants([options.token]);
  const http = createWriteTrackingFetch();
  const api = new Api(options.token, {
    apiRoot: options.apiRoot ?? DEFAULT_TELEGRAM_API_ROOT,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_TELEGRAM_REQUEST_TIMEOUT_MS,
    maxRetries: 0,
    fetch: http.fetch as typeof fetch,
  });
  let closed = false;

  return {
    channel: "telegram",
    async send(recipient: Recipient, message: RenderedMessage, delivery): Promise<SentReceipt> {
      if (closed) {
        throw new DeliveryFailedError("Telegram sender is closed", { channel: "telegram", permanent: false });
      }
      const chatId = recipient.address.trim();
      if (!/^-?\d+$/.test(chatId) && !/^@[A-Za-z0-9_]{4,}$/.test(chatId)) {
        throw new RecipientUnreachableError(
          `Telegram chat id ${JSON.stringify(chatId.slice(0, 64))} of subscriber ${recipient.subscriberId} is not a chat id`,
          { channel: "telegram" },
        );
      }
      try {
        const sent =
          message.image !== undefined && fitsInCaption(message.telegramHtml)
            ? await api.sendPhoto(
                {
                  chat_id: chatId,
                  photo: new InputFile(message.image.png, {
                    filename: "chart.png",
                    contentType: "image/png",
                  }),
                  caption: message.telegramHtml,
                  parse_mode: "HTML",
                },
                delivery?.signal,
              )
            : await api.sendMessage(
                {
                  chat_id: chatId,
                  text: message.telegramHtml,
                  parse_mode: "HTML",
                  link_preview_options: { is_disabled: true },
                },
                delivery?.signal,
              );
        return { providerMessageId: String(sent.message_id) };
      } catch (error) {
        throw toTelegramDeliveryError(error, chatId, secrets);
      }
    },
    async close(): Promise<void> {
      closed = true;
      http.close();
    },
  };
}

/** True when Telegram HTML is short enough for a caption (truncation leaves what fits unchanged). */
function fitsInCaption(html: string): boolean {
  return truncateTelegramHtml(html, TELEGRAM_CAPTION_MAX_LENGTH) === html;
}
