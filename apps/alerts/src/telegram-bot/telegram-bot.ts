import { SIGNAL_TYPES } from "@vpa/core";
import type { Database } from "@vpa/db";
import type { Kysely } from "kysely";
import { Api } from "node-telegram-bot-api";
import type { Logger } from "pino";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import { BOT_COMMAND_MENU, BOT_HELP_HTML } from "./bot-help.ts";
import { handleBotCommand } from "./handle-bot-command.ts";
import { parseBotCommand } from "./parse-bot-command.ts";

export interface TelegramBotOptions {
  readonly token: string;
  readonly apiRoot: string;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Long-poll wait per getUpdates call. Default 25 s (Telegram allows up to 50). */
  readonly pollTimeoutSeconds?: number;
  /** Commands one chat may send per minute; more are answered once with a warning, then ignored. Default 10. */
  readonly commandsPerMinute?: number;
}

export interface TelegramBot {
  /** Resolves when the loop has stopped after stop(). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

interface IncomingMessage {
  readonly chat?: { readonly id?: number | string };
  readonly from?: { readonly first_name?: string; readonly username?: string };
  readonly text?: string;
}

/**
 * Subscribes users from Telegram itself: long-polls getUpdates and answers /start, /subscribe,
 * /unsubscribe, /list, /signals and /help. Confirming an update (the next `offset`) happens after
 * it is handled, so a crash re-delivers it; every command is idempotent. A chat sending more than
 * `commandsPerMinute` commands is throttled so that no single user can load the database.
 */
export function startTelegramBot(options: TelegramBotOptions): TelegramBot {
  const api = new Api(options.token, {
    apiRoot: options.apiRoot,
    timeoutMs: ((options.pollTimeoutSeconds ?? 25) + 10) * 1000,
    maxRetries: 0,
  });
  const logger = options.logger.child({ module: "telegram-bot" });
  const abort = new AbortController();
  const perMinute = options.commandsPerMinute ?? 10;
  const recent = new Map<string, number[]>();
  let botUsername: string | undefined;

  const allow = (chatId: string, now: number): "ok" | "warn" | "drop" => {
    const times = (recent.get(chatId) ?? []).filter((t) => now - t < 60_000);
    times.push(now);
    recent.set(chatId, times);
    if (times.length <= perMinute) return "ok";
    return times.length === perMinute + 1 ? "warn" : "drop";
  };

  const reply = async (chatId: string, html: string) => {
    try {
      await api.sendMessage({
        chat_id: chatId,
        text: html,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
      });
    } catch (err) {
      logger.warn({ err, chatId }, "could not answer a bot command");
    }
  };

  const handle = async (message: IncomingMessage) => {
    const chatId = message.chat?.id;
    if (chatId === undefined || typeof message.text !== "string") return;
    const parsed = parseBotCommand(message.text, SIGNAL_TYPES, botUsername);
    if (!parsed.ok && parsed.error === null) return;
    const chat = { chatId: String(chatId), name: message.from?.username ?? message.from?.first_name ?? null };
    const allowed = allow(chat.chatId, Date.now());
    if (allowed === "drop") return;
    if (allowed === "warn") return reply(chat.chatId, "Too many commands: please wait a minute.");
    if (!parsed.ok) return reply(chat.chatId, `${escapeTelegramHtml(parsed.error)}\n\n${BOT_HELP_HTML}`);
    const answer = await handleBotCommand(options.db, chat, parsed.command);
    logger.info({ chatId: chat.chatId, command: parsed.command.kind }, "bot command");
    return reply(chat.chatId, answer);
  };

  const loop = async () => {
    try {
      const me = await api.getMe(abort.signal);
      botUsername = me.username;
      await api.setMyCommands({ commands: [...BOT_COMMAND_MENU] }, abort.signal);
    } catch (err) {
      if (!abort.signal.aborted)
        logger.warn({ err }, "could not register the bot's commands; polling anyway");
    }
    let offset: number | undefined;
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        const updates = await api.getUpdates(
          { offset, timeout: options.pollTimeoutSeconds ?? 25, allowed_updates: ["message"] },
          abort.signal,
        );
        failures = 0;
        for (const update of updates) {
          try {
            await handle(((update as { message?: IncomingMessage }).message ?? {}) as IncomingMessage);
          } catch (err) {
            logger.error({ err, updateId: update.update_id }, "bot command failed");
          }
          offset = update.update_id + 1;
        }
      } catch (err) {
        if (abort.signal.aborted) break;
        failures++;
        const waitMs = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        logger.warn({ err, waitMs }, "getUpdates failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  };

  const stopped = loop();
  return {
    stopped,
    async stop() {
      abort.abort();
      await stopped;
    },
  };
}
