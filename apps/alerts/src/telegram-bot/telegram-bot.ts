import { setTimeout as sleep } from "node:timers/promises";
import { SIGNAL_TYPES } from "@vpa/core";
import { type Database, findSubscriberSettings } from "@vpa/db";
import { type BackoffOptions, RedisRateLimiter, type RedisRateLimiterOptions } from "@vpa/runtime";
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
import { callTelegramPatiently, telegramRetryWaitMs } from "./patient-telegram-call.ts";
import type { StatusQueue } from "./read-queue-depths.ts";
import { createReplySender } from "./reply-sender.ts";
import { createSharedReplyPacing } from "./shared-reply-pacing.ts";
import { handleSignalTypeTap, parseSignalTypeTap } from "./signal-type-keyboard.ts";
import { createSymbolCharts } from "./symbol-charts.ts";
import { TelegramUpdateLedger } from "./telegram-update-ledger.ts";
import {
  startWebhookUpdateServer,
  type WebhookUpdate,
  type WebhookUpdateServer,
} from "./webhook-update-server.ts";

export type { HeldDeliveryJob, HeldDeliveryJobs, ScanRequestResult } from "./bot-command-context.ts";

export interface TelegramBotOptions {
  readonly token: string;
  readonly apiRoot: string;
  readonly db: Kysely<Database>;
  /** DATABASE_READ_URL's pool for the read-only replies (BotServices.readDb); absent: `db`. */
  readonly readDb?: Kysely<Database>;
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
  /**
   * Webhook mode (TELEGRAM_WEBHOOK_URL): Telegram POSTs the updates to `url` instead of the bot
   * polling getUpdates. Default: none; the bot polls (and deletes a webhook left set).
   */
  readonly webhook?: TelegramWebhookOptions;
  /**
   * Webhook mode: on stop(), updates already taken (answered 200, so Telegram will not post them
   * again) get this long to be handled and their replies sent before they are abandoned. Keep it
   * below SHUTDOWN_TIMEOUT_MS.
   * @defaultValue 3 000 ms
   */
  readonly drainTimeoutMs?: number;
}

export interface TelegramWebhookOptions {
  /** The public https URL given to setWebhook; the server answers POSTs to its path. */
  readonly url: string;
  /** setWebhook's `secret_token`, checked on every POST (X-Telegram-Bot-Api-Secret-Token). */
  readonly secretToken: string;
  /** The port the updates arrive on, behind the proxy or Ingress (0: a free one). */
  readonly port: number;
  /** @defaultValue "0.0.0.0" */
  readonly host?: string;
}

export interface TelegramBot {
  /**
   * Resolves once the bot receives updates: polling has started, or in webhook mode the server
   * listens and setWebhook has been answered (or given up, which is logged).
   */
  readonly ready: Promise<void>;
  /** Webhook mode: the port the server listens on, once it does; null when polling or not listening. */
  readonly webhookPort: number | null;
  /** Resolves when the loop has stopped after stop(). */
  readonly stopped: Promise<void>;
  /**
   * Polling: stops polling and abandons queued replies; returns within about a second, even mid
   * long-poll. Webhook mode: stops taking updates (Telegram keeps the rest for the next worker),
   * lets those already taken finish within `drainTimeoutMs`, then abandons what is left.
   */
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

/** The chat an update comes from (a message's, a post's, a tapped message's), or "" for none. */
function chatKeyOf(update: { readonly [kind: string]: unknown }): string {
  const { message, channel_post, callback_query } = update as {
    message?: IncomingMessage;
    channel_post?: IncomingMessage;
    callback_query?: IncomingCallbackQuery;
  };
  return String((message ?? channel_post ?? callback_query?.message)?.chat?.id ?? "");
}

/** The updates the bot asks for, polling or by webhook. */
const ALLOWED_UPDATES = ["message", "channel_post", "callback_query"];
/** The poll loop's wait after failures that gave no retry_after: 1 s, 2 s … 30 s. */
const POLL_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000, jitter: 0 };

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
 * Webhook mode (`options.webhook`): the same handling, fed by Telegram's POSTs instead of
 * getUpdates (webhook-update-server.ts): each update is claimed in Redis by its update_id first
 * (telegram-update-ledger.ts), answered 200 at once and handled after, so a redelivery by Telegram
 * is not answered twice, by this worker or another one behind the same URL. Polling deletes a
 * webhook left set (getUpdates answers 409 while one is), and setWebhook/deleteWebhook honour
 * `retry_after` (patient-telegram-call.ts).
 *
 * Every wait in here (long poll, back-off, retry_after, pacing, the drain) ends on stop() or is
 * bounded.
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
  const replies = createReplySender({
    api,
    logger,
    signal,
    pacing: createSharedReplyPacing(limiter, (err) =>
      logger.debug({ err }, "reply departure or answer not recorded"),
    ),
  });
  /** Aborted by stop() before `abort` in webhook mode: stop taking updates, let taken ones finish. */
  const stopping = new AbortController();
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let webhookServer: WebhookUpdateServer | null = null;
  /** The start's calls (commands menu, webhook): stop() ends them in either mode. */
  const startSignal = AbortSignal.any([signal, stopping.signal]);
  const defaultLanguage = options.defaultLanguage ?? "vi";
  const chartCache = options.chartCache === undefined ? undefined : new RedisChartCache(options.chartCache);
  const services: BotServices = {
    access,
    now: () => new Date(),
    charts: createSymbolCharts({
      db: options.readDb ?? options.db,
      logger,
      ...(chartCache === undefined ? {} : { cache: chartCache }),
    }),
    ...(options.statusQueues === undefined ? {} : { statusQueues: options.statusQueues }),
    ...(options.requestScan === undefined ? {} : { requestScan: options.requestScan }),
    ...(options.heldDeliveries === undefined ? {} : { heldDeliveries: options.heldDeliveries }),
    ...(options.readDb === undefined ? {} : { readDb: options.readDb }),
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
      const me = await api.getMe(startSignal);
      botUsername = me.username;
      await api.setMyCommands({ commands: botCommandMenu(defaultText, false) }, startSignal);
      // Clients set to another of our languages show the menu in it.
      for (const language of LANGUAGES.filter((other) => other !== defaultLanguage)) {
        await api.setMyCommands(
          { commands: botCommandMenu(catalogueFor(language), false), language_code: language },
          startSignal,
        );
      }
    } catch (err) {
      if (!startSignal.aborted)
        logger.warn({ err }, "could not register the bot's commands; answering anyway");
    }
    for (const chatId of access.adminChatIds) {
      try {
        await api.setMyCommands(
          { commands: botCommandMenu(defaultText, true), scope: { type: "chat", chat_id: chatId } },
          startSignal,
        );
      } catch (err) {
        if (startSignal.aborted) return;
        // Telegram knows a chat only after it wrote to the bot: the admin menu then waits a restart.
        logger.warn({ err, chatId }, "could not set the admin command menu for an admin chat");
      }
    }
  };

  /** One update, polled or posted: a keyboard tap, or a message or channel post (maybe a command). */
  const handleUpdate = async (update: { readonly update_id: number }) => {
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
  };

  const patiently = { logger, signal: startSignal } as const;

  /** getUpdates answers 409 while a webhook is set (left by an earlier run in webhook mode): delete it. */
  const leaveWebhookMode = async () => {
    try {
      const info = await callTelegramPatiently((s) => api.getWebhookInfo(s), {
        ...patiently,
        what: "read the webhook",
      });
      if (info.url === "") return;
      // Its pending updates stay with Telegram and come with the first getUpdates.
      await callTelegramPatiently((s) => api.deleteWebhook({ drop_pending_updates: false }, s), {
        ...patiently,
        what: "delete the webhook",
      });
      logger.info({ pendingUpdates: info.pending_update_count }, "deleted the webhook left set, to poll");
    } catch (err) {
      if (!startSignal.aborted)
        logger.error({ err }, "could not delete the webhook; getUpdates fails (409) while it is set");
    }
  };

  const poll = async () => {
    await registerCommands();
    await leaveWebhookMode();
    markReady();
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
            allowed_updates: ALLOWED_UPDATES,
          },
          signal,
        );
        failures = 0;
        for (const update of updates) {
          await handleUpdate(update);
          offset = update.update_id + 1;
        }
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        // A 429 says how long to stay away; anything else backs off 1 s, 2 s … 30 s.
        const waitMs = telegramRetryWaitMs(err, failures - 1, POLL_BACKOFF);
        if (err instanceof TelegramApiError && err.errorCode === 409)
          logger.error(
            { err, waitMs },
            "getUpdates: a webhook is set (another process in webhook mode?); TELEGRAM_WEBHOOK_URL must be the same for every alerts worker",
          );
        else logger.warn({ err, waitMs }, "getUpdates failed; retrying");
        await wait(waitMs);
      }
    }
  };

  /**
   * Webhook mode: listens, then setWebhook (so the first POST finds the server up), until stop();
   * then stops taking updates and lets those taken finish within the drain time.
   */
  const receiveByWebhook = async (webhook: TelegramWebhookOptions) => {
    const ledger = new TelegramUpdateLedger({
      ...options.rateLimit,
      botId: options.token.split(":")[0] ?? "bot",
    });
    const inFlight = new Set<Promise<void>>();
    /**
     * Each chat's updates are handled one after the other, in the order they were taken, as the
     * poll loop does: Telegram posts several at once, and "/subscribe VCB" then "/list" must list VCB.
     */
    const chatQueues = new Map<string, Promise<void>>();
    const take = (update: WebhookUpdate) => {
      const chat = chatKeyOf(update);
      const handling: Promise<void> = (chatQueues.get(chat) ?? Promise.resolve())
        .then(() => handleUpdate(update))
        .finally(() => {
          inFlight.delete(handling);
          if (chatQueues.get(chat) === handling) chatQueues.delete(chat);
        });
      inFlight.add(handling);
      chatQueues.set(chat, handling);
    };
    try {
      webhookServer = await startWebhookUpdateServer({
        port: webhook.port,
        ...(webhook.host === undefined ? {} : { host: webhook.host }),
        path: new URL(webhook.url).pathname,
        secretToken: webhook.secretToken,
        logger,
        receive: async (update: WebhookUpdate) => {
          if (stopping.signal.aborted || inFlight.size + replies.pending >= MAX_PENDING_REPLIES)
            return "busy";
          if (!(await ledger.claim(update.update_id))) {
            logger.info({ updateId: update.update_id }, "webhook update posted again; answered before");
            return "duplicate";
          }
          take(update);
          return "accepted";
        },
      });
    } catch (err) {
      logger.error(
        { err, port: webhook.port },
        "could not listen for webhook updates; the bot answers nothing",
      );
      markReady();
      await ledger.close();
      return;
    }
    await registerCommands();
    try {
      await callTelegramPatiently(
        (s) =>
          api.setWebhook(
            {
              url: webhook.url,
              secret_token: webhook.secretToken,
              allowed_updates: ALLOWED_UPDATES,
              // Updates that came while no worker listened are still owed their answers.
              drop_pending_updates: false,
            },
            s,
          ),
        { ...patiently, what: "set the webhook" },
      );
      logger.info({ port: webhookServer.port }, "webhook set; Telegram posts the bot's updates");
    } catch (err) {
      if (!startSignal.aborted)
        logger.error(
          { err },
          "could not set the webhook; updates arrive only if an earlier one is still set",
        );
    }
    markReady();
    if (!stopping.signal.aborted) {
      await new Promise<void>((resolve) =>
        stopping.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
    }
    // The webhook stays set: Telegram keeps the updates for the next worker (a restart, a rollout).
    const drainMs = options.drainTimeoutMs ?? 3_000;
    const drainEnds = Date.now() + drainMs;
    await webhookServer.stopAccepting(Math.min(1_000, drainMs));
    const timer = new AbortController();
    await Promise.race([
      (async () => {
        while (inFlight.size > 0) await Promise.all(inFlight);
        await replies.idle();
      })(),
      sleep(Math.max(0, drainEnds - Date.now()), undefined, { signal: timer.signal }).catch(() => {}),
    ]);
    timer.abort();
    if (inFlight.size > 0 || replies.pending > 0)
      logger.warn(
        { updates: inFlight.size, replies: replies.pending, drainMs },
        "stopping with webhook updates still in hand; their replies are abandoned",
      );
    await ledger.close();
  };

  const loop = async () => {
    if (options.webhook === undefined) await poll();
    else await receiveByWebhook(options.webhook);
  };

  const stopped = (async () => {
    await loop();
    // Polling stops on abort; webhook mode returns after its drain: abandon whatever is left.
    abort.abort();
    markReady();
    await replies.idle();
    await chartCache?.close();
    await limiter.close();
  })();
  return {
    ready,
    get webhookPort() {
      return webhookServer?.port ?? null;
    },
    stopped,
    async stop() {
      stopping.abort();
      if (options.webhook === undefined) abort.abort();
      await stopped;
    },
  };
}
