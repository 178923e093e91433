import { setTimeout as sleep } from "node:timers/promises";
import { SIGNAL_TYPES } from "@vpa/core";
import type { Database } from "@vpa/db";
import type { Kysely } from "kysely";
import { Api, TelegramApiError } from "node-telegram-bot-api";
import type { Logger } from "pino";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import { BOT_ADMIN_COMMAND_MENU, BOT_COMMAND_MENU } from "./bot-help.ts";
import { bilingual } from "./bot-text.ts";
import { type BotChat, CHAT_TYPES, createBotAccess } from "./chat-access.ts";
import { CommandThrottle } from "./command-throttle.ts";
import { handleBotCommand, helpFor } from "./handle-bot-command.ts";
import { parseBotCommand } from "./parse-bot-command.ts";
import type { StatusQueue } from "./read-queue-depths.ts";
import { createReplySender } from "./reply-sender.ts";

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
}

export interface TelegramBot {
  /** Resolves when the loop has stopped after stop(). */
  readonly stopped: Promise<void>;
  /** Stops polling and abandons queued replies; returns within about a second, even mid long-poll. */
  stop(): Promise<void>;
}

interface IncomingMessage {
  readonly chat?: { readonly id?: number | string; readonly type?: string; readonly title?: string };
  readonly from?: { readonly first_name?: string; readonly username?: string };
  readonly text?: string;
}

/**
 * Replies waiting to be sent before the loop stops fetching updates. Telegram keeps what we do not
 * fetch, so under a flood the backlog waits there instead of in this process's memory.
 */
const MAX_PENDING_REPLIES = 100;

/**
 * Subscribes users from Telegram itself: long-polls getUpdates and answers /start, /subscribe,
 * /unsubscribe, /list, /signals, /quiet, /help, and /status for admin chats. Commands come from
 * private chats, groups, and channels (`channel_post`). Confirming an update (the next `offset`)
 * happens after it is handled, so a crash re-delivers it; every command is idempotent (a reply
 * still queued in the paced sender at a crash or stop() is lost, the command's effect is not). A chat
 * sending more than `commandsPerMinute` commands is throttled so that no single chat can load
 * the database, and every reply goes through one paced sender (see reply-sender.ts).
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
  const replies = createReplySender({ api, logger, signal });
  const context = {
    access,
    now: () => new Date(),
    ...(options.statusQueues === undefined ? {} : { statusQueues: options.statusQueues }),
  };
  let botUsername: string | undefined;

  /** Waits `ms` unless stop() comes first. */
  const wait = (ms: number): Promise<void> => sleep(ms, undefined, { signal }).catch(() => {});

  const handle = async (message: IncomingMessage) => {
    const chatId = message.chat?.id;
    if (chatId === undefined || typeof message.text !== "string") return;
    const parsed = parseBotCommand(message.text, SIGNAL_TYPES, botUsername);
    if (!parsed.ok && parsed.error === null) return;
    const type = CHAT_TYPES.find((known) => known === message.chat?.type) ?? "private";
    // A group or channel subscribes as itself: name it by its title, not by whoever typed.
    const person = message.from?.username ?? message.from?.first_name;
    const chat: BotChat = {
      chatId: String(chatId),
      name: (type === "private" ? person : (message.chat?.title ?? person)) ?? null,
      type,
    };
    const verdict = throttle.check(chat.chatId);
    if (verdict === "drop") return;
    if (verdict === "warn") {
      replies.send(
        chat.chatId,
        bilingual("Quá nhiều lệnh: vui lòng đợi một phút.", "Too many commands: please wait a minute."),
      );
      return;
    }
    if (!parsed.ok) {
      replies.send(chat.chatId, `${escapeTelegramHtml(parsed.error)}\n\n${helpFor(access, chat)}`);
      return;
    }
    let answer: string;
    try {
      answer = await handleBotCommand(options.db, chat, parsed.command, context);
      logger.info({ chatId: chat.chatId, command: parsed.command.kind }, "bot command");
    } catch (err) {
      logger.error({ err, chatId: chat.chatId, command: parsed.command.kind }, "bot command failed");
      answer = bilingual(
        "Có lỗi tạm thời, vui lòng thử lại sau.",
        "Something went wrong on our side; please try again later.",
      );
    }
    replies.send(chat.chatId, answer);
  };

  const registerCommands = async () => {
    try {
      const me = await api.getMe(signal);
      botUsername = me.username;
      await api.setMyCommands({ commands: [...BOT_COMMAND_MENU] }, signal);
    } catch (err) {
      if (!signal.aborted) logger.warn({ err }, "could not register the bot's commands; polling anyway");
    }
    for (const chatId of access.adminChatIds) {
      try {
        await api.setMyCommands(
          { commands: [...BOT_ADMIN_COMMAND_MENU], scope: { type: "chat", chat_id: chatId } },
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
          { offset, timeout: pollTimeoutSeconds, allowed_updates: ["message", "channel_post"] },
          signal,
        );
        failures = 0;
        for (const update of updates) {
          const { message, channel_post } = update as {
            message?: IncomingMessage;
            channel_post?: IncomingMessage;
          };
          try {
            await handle(message ?? channel_post ?? {});
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
  })();
  return {
    stopped,
    async stop() {
      abort.abort();
      await stopped;
    },
  };
}
