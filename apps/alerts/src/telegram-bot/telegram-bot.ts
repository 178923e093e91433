import { setTimeout as sleep } from "node:timers/promises";
import { SIGNAL_TYPES } from "@vpa/core";
import { type Database, findSubscriberSettings } from "@vpa/db";
import { RedisRateLimiter, type RedisRateLimiterOptions } from "@vpa/runtime";
import type { Kysely } from "kysely";
import { Api, TelegramApiError } from "node-telegram-bot-api";
import type { Logger } from "pino";
import { RedisChartCache } from "../chart/redis-chart-cache.ts";
import { catalogueFor } from "../i18n/catalogues.ts";
import { LANGUAGES, type Language } from "../i18n/language.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type {
  BotCommandContext,
  BotServices,
  HeldDeliveryJobs,
  ScanRequestResult,
} from "./bot-command-context.ts";
import { botCommandMenu } from "./bot-help.ts";
import type { BotReply } from "./bot-reply.ts";
import { type BotChat, CHAT_TYPES, createBotAccess } from "./chat-access.ts";
import { CommandThrottle } from "./command-throttle.ts";
import { describeBotMistake } from "./describe-bot-mistake.ts";
import { handleBotCommand, helpFor } from "./handle-bot-command.ts";
import { parseBotCommand } from "./parse-bot-command.ts";
import type { StatusQueue } from "./read-queue-depths.ts";
import { createReplySender } from "./reply-sender.ts";
import { createSharedReplyPacing } from "./shared-reply-pacing.ts";
import { handleSignalTypeTap, parseSignalTypeTap } from "./signal-type-keyboard.ts";
import { createSymbolCharts } from "./symbol-charts.ts";

export type { HeldDeliveryJob, HeldDeliveryJobs, ScanRequestResult } from "./bot-command-context.ts";

export interface TelegramBotOptions {
  readonly token: string;
  readonly apiRoot: string;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Long-poll wait per getUpdates call. Default 25 s (Telegram allows up to 50). */
  readonly pollTimeoutSeconds?: number;
  /** Commands one chat may send per minute; more are answered once with a warning, then ignored. Default 10. */
  readonly commandsPerMinute?: number;
  /** TELEGRAM_ADMIN_CHAT_IDS: chats that may run /status. Default none. */
  readonly adminChatIds?: readonly string[];
  /** TELEGRAM_ALLOWED_CHAT_IDS: chats that may subscribe; empty (default): any private chat or group. */
  readonly allowedChatIds?: readonly string[];
  /** The BullMQ queues /status reports, looked up only when an admin asks. Default: none reported. */
  readonly statusQueues?: () => readonly StatusQueue[];
  /**
   * ALERT_LANGUAGE: the language of a chat that chose none with /lang, and of the command menu.
   * @defaultValue "vi"
   */
  readonly defaultLanguage?: Language;
  /**
   * What an admin's /scan does: enqueue a scan of the newest bars now (the alerts process passes
   * what `vpa scan` does) and say how many symbols. Default: none; /scan then says it is not
   * available here.
   */
  readonly requestScan?: () => Promise<ScanRequestResult>;
  /**
   * The `deliveries` queue, looked up only on /resume: a paused chat's owed deliveries wait there
   * as delayed jobs, and /resume runs them now. Default: none; they run when the pause would have
   * ended.
   */
  readonly heldDeliveries?: () => HeldDeliveryJobs;
  /**
   * Where /chart keeps its drawings: the alerts' Redis chart cache (the same `<prefix>:chart:*`
   * keys, so a chart an alert drew is reused). Default: none; every /chart draws.
   */
  readonly chartCache?: { readonly redisUrl: string; readonly prefix: string };
  /**
   * The Redis of the alert workers' rate limiter (runtime's redis-rate-limiter.ts): every reply is
   * booked under the same Telegram limits as the alerts, so together they stay within the bot-wide
   * ~30 messages a second and each chat's pace, however many processes send.
   */
  readonly rateLimit: RedisRateLimiterOptions;
}

export interface TelegramBot {
  /** Resolves when the loop has stopped after stop(). */
  readonly stopped: Promise<void>;
  /** Stops polling and abandons queued replies; returns within about a second, even mid long-poll. */
  stop(): Promise<void>;
}

interface IncomingChat {
  readonly id?: number | string;
  readonly type?: string;
  readonly title?: string;
}

interface IncomingMessage {
  readonly chat?: IncomingChat;
  readonly from?: { readonly first_name?: string; readonly username?: string };
  readonly text?: string;
}

/** A tap on an inline keyboard button (Telegram's CallbackQuery, the fields used). */
interface IncomingCallbackQuery {
  readonly id?: string;
  readonly from?: { readonly first_name?: string; readonly username?: string };
  readonly message?: { readonly message_id?: number; readonly chat?: IncomingChat };
  readonly data?: string;
}

/** Telegram shows at most 200 characters of a callback query's answer. */
const TOAST_MAX_LENGTH = 200;

/**
 * Replies waiting to be sent before the loop stops fetching updates. Telegram keeps what we do not
 * fetch, so under a flood the backlog waits there instead of in this process's memory.
 */
const MAX_PENDING_REPLIES = 100;

/**
 * Subscribes users from Telegram itself: long-polls getUpdates and answers /start, /subscribe (with
 * a keyboard of signal types), /unsubscribe, /list, /signals, /top, /chart (a photo), /portfolio,
 * /digest, /lang, /pause,
 * /resume, /quiet, /help, and /status and /scan for admin chats, each in the chat's language
 * (/lang, else `defaultLanguage`). Commands come from private chats, groups, and channels
 * (`channel_post`); keyboard taps as `callback_query`. Confirming an update (the next `offset`)
 * happens after it is handled, so a crash re-delivers it; every command is idempotent (a reply
 * still queued in the paced sender at a crash or stop() is lost, the command's effect is not). A
 * chat sending more than `commandsPerMinute` commands and taps is throttled so that no single
 * chat can load the database, and every reply goes through one paced sender (see reply-sender.ts).
 *
 * Every wait in here (long poll, back-off, retry_after, pacing) ends at once on stop().
 */
export function startTelegramBot(options: TelegramBotOptions): TelegramBot {
  const pollTimeoutSeconds = options.pollTimeoutSeconds ?? 25;
  const api = new Api(options.token, {
    apiRoot: options.apiRoot,
    timeoutMs: (pollTimeoutSeconds + 10) * 1000,
    maxRetries: 0,
  });
  const logger = options.logger.child({ module: "telegram-bot" });
  const abort = new AbortController();
  const signal = abort.signal;
  const throttle = new CommandThrottle(options.commandsPerMinute ?? 10);
  const access = createBotAccess(options);
  const limiter = new RedisRateLimiter(options.rateLimit);
  const replies = createReplySender({ api, logger, signal, pacing: createSharedReplyPacing(limiter) });
  const defaultLanguage = options.defaultLanguage ?? "vi";
  const chartCache = options.chartCache === undefined ? undefined : new RedisChartCache(options.chartCache);
  const services: BotServices = {
    access,
    now: () => new Date(),
    charts: createSymbolCharts({
      db: options.db,
      logger,
      ...(chartCache === undefined ? {} : { cache: chartCache }),
    }),
    ...(options.statusQueues === undefined ? {} : { statusQueues: options.statusQueues }),
    ...(options.requestScan === undefined ? {} : { requestScan: options.requestScan }),
    ...(options.heldDeliveries === undefined ? {} : { heldDeliveries: options.heldDeliveries }),
  };
  let botUsername: string | undefined;

  /** Waits `ms` unless stop() comes first. */
  const wait = (ms: number): Promise<void> => sleep(ms, undefined, { signal }).catch(() => {});

  /** The chat's /lang, else the default; the default when the database cannot say. */
  const languageOf = async (chatId: string): Promise<Language> => {
    try {
      return (await findSubscriberSettings(options.db, "telegram", chatId))?.language ?? defaultLanguage;
    } catch (err) {
      logger.warn({ err, chatId }, "could not read the chat's language; answering in the default one");
      return defaultLanguage;
    }
  };
  const contextFor = (language: Language): BotCommandContext => ({
    ...services,
    language,
    text: catalogueFor(language),
  });

  const chatOf = (incoming: IncomingChat | undefined, from: IncomingMessage["from"]): BotChat | null => {
    const chatId = incoming?.id;
    if (chatId === undefined) return null;
    const type = CHAT_TYPES.find((known) => known === incoming?.type) ?? "private";
    // A group or channel subscribes as itself: name it by its title, not by whoever typed.
    const person = from?.username ?? from?.first_name;
    return {
      chatId: String(chatId),
      name: (type === "private" ? person : (incoming?.title ?? person)) ?? null,
      type,
    };
  };

  const send = (chat: BotChat, reply: BotReply) =>
    reply.photo === undefined
      ? replies.send(chat.chatId, reply.html, reply.keyboard)
      : replies.sendPhoto(chat.chatId, reply.photo, reply.html);

  const handle = async (message: IncomingMessage) => {
    const chat = chatOf(message.chat, message.from);
    if (chat === null || typeof message.text !== "string") return;
    const parsed = parseBotCommand(message.text, SIGNAL_TYPES, botUsername);
    if (!parsed.ok && parsed.mistake === null) return;
    const verdict = throttle.check(chat.chatId);
    if (verdict === "drop") return;
    const context = contextFor(await languageOf(chat.chatId));
    if (verdict === "warn") {
      send(chat, { html: escapeTelegramHtml(context.text.refusal.tooManyCommands) });
      return;
    }
    if (!parsed.ok) {
      const mistake = escapeTelegramHtml(describeBotMistake(parsed.mistake, context.text));
      send(chat, { html: `${mistake}\n\n${helpFor(access, chat, context.text)}` });
      return;
    }
    let answer: BotReply;
    try {
      answer = await handleBotCommand(options.db, chat, parsed.command, context);
      logger.info({ chatId: chat.chatId, command: parsed.command.kind }, "bot command");
    } catch (err) {
      logger.error({ err, chatId: chat.chatId, command: parsed.command.kind }, "bot command failed");
      answer = { html: escapeTelegramHtml(context.text.refusal.somethingWrong) };
    }
    send(chat, answer);
  };

  /** Answers a tap (the toast; a tap left unanswered spins on the user's screen), then edits the message. */
  const answerTap = async (queryId: string, toast: string) => {
    try {
      await api.answerCallbackQuery(
        {
          callback_query_id: queryId,
          ...(toast === "" ? {} : { text: [...toast].slice(0, TOAST_MAX_LENGTH).join("") }),
        },
        AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
      );
    } catch (err) {
      // Too late (Telegram allows a few seconds) or Telegram away: the edit below still shows the state.
      if (!signal.aborted) logger.warn({ err, queryId }, "could not answer a callback query");
    }
  };

  const handleTap = async (query: IncomingCallbackQuery) => {
    if (typeof query.id !== "string") return;
    const chat = chatOf(query.message?.chat, query.from);
    const messageId = query.message?.message_id;
    const tap = typeof query.data === "string" ? parseSignalTypeTap(query.data) : null;
    if (chat === null || messageId === undefined || tap === null) {
      await answerTap(query.id, "");
      return;
    }
    const verdict = throttle.check(chat.chatId);
    if (verdict !== "ok") {
      // A dropped tap is still answered (or it spins on the screen), with no words: no database read.
      const toast =
        verdict === "warn" ? catalogueFor(await languageOf(chat.chatId)).refusal.tooManyCommands : "";
      await answerTap(query.id, toast);
      return;
    }
    const text = catalogueFor(await languageOf(chat.chatId));
    try {
      const outcome = await handleSignalTypeTap(options.db, chat.chatId, tap, text);
      logger.info(
        { chatId: chat.chatId, subscriptionId: tap.subscriptionId, action: tap.action.kind },
        "bot keyboard tap",
      );
      await answerTap(query.id, outcome.toast);
      replies.edit(chat.chatId, messageId, outcome.edit.html, outcome.edit.keyboard);
    } catch (err) {
      logger.error({ err, chatId: chat.chatId }, "bot keyboard tap failed");
      await answerTap(query.id, text.refusal.somethingWrong);
    }
  };

  const registerCommands = async () => {
    const defaultText = catalogueFor(defaultLanguage);
    try {
      const me = await api.getMe(signal);
      botUsername = me.username;
      await api.setMyCommands({ commands: botCommandMenu(defaultText, false) }, signal);
      // Clients set to another of our languages show the menu in it.
      for (const language of LANGUAGES.filter((other) => other !== defaultLanguage)) {
        await api.setMyCommands(
          { commands: botCommandMenu(catalogueFor(language), false), language_code: language },
          signal,
        );
      }
    } catch (err) {
      if (!signal.aborted) logger.warn({ err }, "could not register the bot's commands; polling anyway");
    }
    for (const chatId of access.adminChatIds) {
      try {
        await api.setMyCommands(
          { commands: botCommandMenu(defaultText, true), scope: { type: "chat", chat_id: chatId } },
          signal,
        );
      } catch (err) {
        if (signal.aborted) return;
        // Telegram knows a chat only after it wrote to the bot: the admin menu then waits a restart.
        logger.warn({ err, chatId }, "could not set the admin command menu for an admin chat");
      }
    }
  };

  const loop = async () => {
    await registerCommands();
    let offset: number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      await replies.whenBelow(MAX_PENDING_REPLIES);
      if (signal.aborted) break;
      try {
        const updates = await api.getUpdates(
          {
            offset,
            timeout: pollTimeoutSeconds,
            allowed_updates: ["message", "channel_post", "callback_query"],
          },
          signal,
        );
        failures = 0;
        for (const update of updates) {
          const { message, channel_post, callback_query } = update as {
            message?: IncomingMessage;
            channel_post?: IncomingMessage;
            callback_query?: IncomingCallbackQuery;
          };
          try {
            if (callback_query !== undefined) await handleTap(callback_query);
            else await handle(message ?? channel_post ?? {});
          } catch (err) {
            logger.error({ err, updateId: update.update_id }, "bot update failed");
          }
          offset = update.update_id + 1;
        }
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        // A 429 says how long to stay away; anything else backs off 1 s, 2 s … 30 s.
        const retryAfter = err instanceof TelegramApiError ? err.retryAfter : undefined;
        const waitMs =
          retryAfter !== undefined ? retryAfter * 1000 : Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        logger.warn({ err, waitMs }, "getUpdates failed; retrying");
        await wait(waitMs);
      }
    }
  };

  const stopped = (async () => {
    await loop();
    await replies.idle();
    await chartCache?.close();
    await limiter.close();
  })();
  return {
    stopped,
    async stop() {
      abort.abort();
      await stopped;
    },
  };
}
