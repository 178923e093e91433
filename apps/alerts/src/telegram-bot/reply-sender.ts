import { setTimeout as sleep } from "node:timers/promises";
import { InputFile, isTransientError, TelegramApiError } from "node-telegram-bot-api";
import type { Logger } from "pino";
import type { MessageImage } from "../render/rendered-message.ts";
import { truncateTelegramHtml } from "../render/telegram-html.ts";
import { type InlineKeyboard, type InlineKeyboardMarkup, inlineKeyboardMarkup } from "./bot-reply.ts";
import type { ReplyPacing } from "./shared-reply-pacing.ts";
import { splitTelegramHtml } from "./split-telegram-html.ts";

/** The part of node-telegram-bot-api's `Api` the sender uses. */
export interface SendMessageApi {
  sendMessage(
    params: {
      chat_id: string;
      text: string;
      parse_mode: "HTML";
      link_preview_options: { is_disabled: boolean };
      reply_markup?: InlineKeyboardMarkup;
    },
    signal?: AbortSignal,
  ): Promise<unknown>;
  /** For {@link ReplySender.sendPhoto}; a sender that never sends pictures may leave it out. */
  sendPhoto?(
    params: { chat_id: string; photo: InputFile; caption: string; parse_mode: "HTML" },
    signal?: AbortSignal,
  ): Promise<unknown>;
  /** For {@link ReplySender.edit}; a sender that never edits may leave it out. */
  editMessageText?(
    params: {
      chat_id: string;
      message_id: number;
      text: string;
      parse_mode: "HTML";
      link_preview_options: { is_disabled: boolean };
      reply_markup?: InlineKeyboardMarkup;
    },
    signal?: AbortSignal,
  ): Promise<unknown>;
}

/**
 * Telegram's answer to an edit that changes nothing (a double tap on a button): the message is
 * already what we wanted, so it counts as done.
 */
const NOT_MODIFIED = /message is not modified/i;

/** Telegram's limit on a photo's caption, in characters after entity parsing. */
const CAPTION_MAX_LENGTH = 1024;

export interface ReplySenderOptions {
  readonly api: SendMessageApi;
  readonly logger: Logger;
  /** Aborting it abandons every queued reply and interrupts every wait at once. */
  readonly signal: AbortSignal;
  /** The shared limiter's booking (shared-reply-pacing.ts): replies and alerts share Telegram's limits. */
  readonly pacing: ReplyPacing;
  /**
   * Tries per message, the first included, when Telegram answers 429 or 5xx or the network fails.
   * @defaultValue 4
   */
  readonly maxAttempts?: number;
  /**
   * The longest `retry_after` a reply waits for; beyond it the reply is given up (an answer
   * minutes late is worth less than the queue it holds up).
   * @defaultValue 60 000 ms
   */
  readonly maxRetryAfterMs?: number;
  /** @defaultValue 10 000 ms */
  readonly requestTimeoutMs?: number;
}

export interface ReplySender {
  /**
   * Queues a reply (Telegram HTML) to a chat, with buttons under its last part. Never throws;
   * failures are logged.
   */
  send(chatId: string, html: string, keyboard?: InlineKeyboard): void;
  /**
   * Queues a picture with a caption (Telegram HTML, cut to 1,024 characters), in the chat's order
   * and pace like a reply. Never throws.
   */
  sendPhoto(chatId: string, photo: MessageImage, captionHtml: string): void;
  /**
   * Queues an edit of a message the bot sent (text and buttons; without buttons they are removed),
   * in the chat's order and pace like a reply. At most one message: longer text is cut.
   */
  edit(chatId: string, messageId: number, html: string, keyboard?: InlineKeyboard): void;
  /** Messages queued and not yet sent or given up. */
  readonly pending: number;
  /** Resolves once fewer than `limit` messages are pending, or when the signal aborts. */
  whenBelow(limit: number): Promise<void>;
  /** Resolves when every queued reply has been sent, given up, or abandoned by the abort. */
  idle(): Promise<void>;
}

/**
 * The one way the bot sends: every reply is split to Telegram's length limit at line boundaries,
 * paced within its flood limits (per chat, per group, overall), and on a 429 held back for
 * `retry_after` and tried again a bounded number of times. Replies to one chat leave in order
 * (one chain per chat); different chats proceed side by side under the overall limit.
 */
export function createReplySender(options: ReplySenderOptions): ReplySender {
  const { api, signal } = options;
  const logger = options.logger;
  const pacing = options.pacing;
  const maxAttempts = options.maxAttempts ?? 4;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const chains = new Map<string, Promise<void>>();
  let pending = 0;
  let roomWaiters: (() => void)[] = [];

  const settle = (messages: number) => {
    pending -= messages;
    const waiters = roomWaiters;
    roomWaiters = [];
    for (const wake of waiters) wake();
  };
  signal.addEventListener("abort", () => settle(0), { once: true });

  /** Waits `ms` unless the signal aborts first; true if the wait ran its course. */
  const wait = (ms: number): Promise<boolean> => sleep(ms, true, { signal }).catch(() => false);

  /** One request to Telegram, paced and retried; true once Telegram accepted it, false when given up or aborted. */
  const deliver = async (
    chatId: string,
    request: (signal: AbortSignal) => Promise<unknown>,
  ): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      let slot = await pacing.tryBook(chatId);
      while (slot.waitMs > 0) {
        if (!(await wait(slot.waitMs))) return false;
        slot = await pacing.tryBook(chatId);
      }
      if (signal.aborted) return false;
      try {
        // Every reply (message, photo, edit) leaves here: the limiter's windows count its arrival.
        await slot.send(() => request(AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)])));
        return true;
      } catch (err) {
        if (signal.aborted) return false;
        if (err instanceof TelegramApiError && NOT_MODIFIED.test(err.description)) return true;
        const retryAfterSeconds = err instanceof TelegramApiError ? err.retryAfter : undefined;
        const retryAfterMs = retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000;
        // Whatever happens to this reply, the bot's next messages (replies and alerts) wait too.
        if (retryAfterMs !== undefined) await pacing.pauseBot(retryAfterMs);
        const retryable =
          isTransientError(err) && (retryAfterMs === undefined || retryAfterMs <= maxRetryAfterMs);
        if (!retryable || attempt >= maxAttempts) {
          logger.warn({ err, chatId, attempt }, "could not send a bot reply; giving it up");
          return false;
        }
        // 5xx or network: back off 1 s, 2 s, 4 s before the next try (the chat's later replies
        // queue behind this one).
        if (retryAfterMs === undefined && !(await wait(1_000 * 2 ** (attempt - 1)))) return false;
        logger.info({ chatId, attempt, retryAfterMs }, "bot reply not accepted yet; retrying");
      }
    }
  };

  const deliverAll = async (
    chatId: string,
    requests: readonly ((signal: AbortSignal) => Promise<unknown>)[],
  ) => {
    for (let index = 0; index < requests.length; index++) {
      let sent = false;
      try {
        sent = await deliver(chatId, requests[index]!);
      } catch (err) {
        logger.error({ err, chatId }, "bot reply failed");
      }
      if (!sent) {
        // The rest of a reply makes no sense without this part.
        settle(requests.length - index);
        return;
      }
      settle(1);
    }
  };

  const enqueue = (chatId: string, requests: readonly ((signal: AbortSignal) => Promise<unknown>)[]) => {
    if (signal.aborted) return;
    pending += requests.length;
    const next = (chains.get(chatId) ?? Promise.resolve()).then(() => deliverAll(chatId, requests));
    chains.set(chatId, next);
    void next.then(() => {
      if (chains.get(chatId) === next) chains.delete(chatId);
    });
  };

  const common = { parse_mode: "HTML", link_preview_options: { is_disabled: true } } as const;

  return {
    send(chatId, html, keyboard) {
      const parts = splitTelegramHtml(html);
      const markup = keyboard === undefined ? undefined : inlineKeyboardMarkup(keyboard);
      enqueue(
        chatId,
        parts.map((text, index) => (requestSignal: AbortSignal) => {
          const last = index === parts.length - 1;
          return api.sendMessage(
            {
              chat_id: chatId,
              text,
              ...common,
              ...(last && markup !== undefined ? { reply_markup: markup } : {}),
            },
            requestSignal,
          );
        }),
      );
    },
    sendPhoto(chatId, photo, captionHtml) {
      const sendPhoto = api.sendPhoto?.bind(api);
      if (sendPhoto === undefined) {
        logger.error({ chatId }, "this sender cannot send pictures; picture dropped");
        return;
      }
      const caption = truncateTelegramHtml(captionHtml, CAPTION_MAX_LENGTH);
      enqueue(chatId, [
        (requestSignal) =>
          sendPhoto(
            {
              chat_id: chatId,
              // A new InputFile per try: its body is a stream read once.
              photo: new InputFile(photo.png, { filename: "chart.png", contentType: "image/png" }),
              caption,
              parse_mode: "HTML",
            },
            requestSignal,
          ),
      ]);
    },
    edit(chatId, messageId, html, keyboard) {
      const editMessageText = api.editMessageText?.bind(api);
      if (editMessageText === undefined) {
        logger.error({ chatId }, "this sender cannot edit messages; edit dropped");
        return;
      }
      const text = truncateTelegramHtml(html);
      // An edit without reply_markup removes the buttons: the "done" state of a keyboard.
      const markup = keyboard === undefined ? {} : { reply_markup: inlineKeyboardMarkup(keyboard) };
      enqueue(chatId, [
        (requestSignal) =>
          editMessageText(
            { chat_id: chatId, message_id: messageId, text, ...common, ...markup },
            requestSignal,
          ),
      ]);
    },
    get pending() {
      return pending;
    },
    async whenBelow(limit) {
      while (pending >= limit && !signal.aborted) {
        await new Promise<void>((resolve) => roomWaiters.push(resolve));
      }
    },
    async idle() {
      while (chains.size > 0) await Promise.all(chains.values());
    },
  };
}
