import {
  countActiveSubscriptions,
  type Database,
  listSignals,
  listSubscribers,
  readBotStatus,
  setQuietHours,
  subscribe,
  unsubscribe,
} from "@vpa/db";
import type { Kysely } from "kysely";
import { formatQuietHours } from "../quiet-hours.ts";
import { formatConfidence, formatPriceVnd } from "../render/format-alert-values.ts";
import { describeSignalType } from "../render/signal-label.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import { BOT_ADMIN_HELP_HTML, BOT_HELP_HTML } from "./bot-help.ts";
import { bilingual } from "./bot-text.ts";
import { type BotAccess, type BotChat, isAdminChat, mayJoin } from "./chat-access.ts";
import { formatBotStatus } from "./format-bot-status.ts";
import { type BotCommand, DEFAULT_BOT_MIN_SCORE } from "./parse-bot-command.ts";
import { readQueueDepths, type StatusQueue } from "./read-queue-depths.ts";

export type { BotChat } from "./chat-access.ts";

/**
 * Active subscriptions one chat may hold. Each is matched against every new signal, and a chat can
 * send 10 commands a minute: without a cap one chat could add thousands a day. 50 is far more than
 * a person manages by hand.
 */
export const MAX_SUBSCRIPTIONS_PER_CHAT = 50;
/** /list shows this many subscriptions, and this many symbols of each; the rest as "+K". */
export const LIST_SUBSCRIPTIONS_SHOWN = 10;
export const LIST_SYMBOLS_SHOWN = 12;
/** /signals shows the newest this many. */
export const SIGNALS_SHOWN = 10;
/** /status waits this long for Redis before answering without the queues. */
const QUEUE_DEPTH_TIMEOUT_MS = 2_000;

export interface BotCommandContext {
  readonly access: BotAccess;
  readonly now: () => Date;
  /** The queues /status reports, looked up only when asked; absent: database figures only. */
  readonly statusQueues?: () => readonly StatusQueue[];
}

/** The help this chat should see (admins also see the admin commands). */
export function helpFor(access: BotAccess, chat: BotChat): string {
  return isAdminChat(access, chat) ? BOT_ADMIN_HELP_HTML : BOT_HELP_HTML;
}

/**
 * Carries out one bot command for one chat and returns the reply (Telegram HTML, every dynamic
 * value escaped; may be longer than one message: the sender splits it). Idempotent: Telegram may
 * deliver an update twice after a restart. A refused command stores nothing.
 */
export async function handleBotCommand(
  db: Kysely<Database>,
  chat: BotChat,
  command: BotCommand,
  context: BotCommandContext,
): Promise<string> {
  switch (command.kind) {
    case "help":
      return helpFor(context.access, chat);
    case "start": {
      const refusal = joinRefusal(context.access, chat) ?? (await capRefusal(db, chat));
      if (refusal !== null) return refusal;
      await subscribe(db, {
        channel: "telegram",
        address: chat.chatId,
        name: chat.name,
        minScore: DEFAULT_BOT_MIN_SCORE,
      });
      return `Subscribed: every signal scoring ${DEFAULT_BOT_MIN_SCORE}+.\n\n${helpFor(context.access, chat)}`;
    }
    case "subscribe": {
      const refusal = joinRefusal(context.access, chat) ?? (await capRefusal(db, chat));
      if (refusal !== null) return refusal;
      const result = await subscribe(db, {
        channel: "telegram",
        address: chat.chatId,
        name: chat.name,
        symbols: command.symbols,
        signalTypes: command.signalTypes,
        minScore: command.minScore,
      });
      const what = describeSubscription(command.symbols, command.signalTypes, command.minScore);
      return result.created ? `Subscribed: ${what}.` : `You already have this subscription: ${what}.`;
    }
    case "quiet": {
      const updated = await setQuietHours(db, "telegram", chat.chatId, command.window);
      if (!updated) return "Subscribe first (/start), then set quiet hours.";
      return command.window === null
        ? "Quiet hours off: alerts arrive at any time."
        : `Quiet hours ${formatQuietHours(command.window)} (Vietnam time): alerts in that window arrive when it ends.`;
    }
    case "unsubscribe":
      return (await unsubscribe(db, "telegram", chat.chatId, "unsubscribed via bot"))
        ? "Unsubscribed. Send /start to subscribe again."
        : "You have no active subscription.";
    case "list":
      return listReply(db, chat);
    case "signals":
      return signalsReply(db, command.symbol);
    case "status": {
      if (!isAdminChat(context.access, chat)) {
        return escapeTelegramHtml(
          bilingual(
            "Lệnh /status chỉ dành cho quản trị viên của bot.",
            "/status is for the bot's admins only.",
          ),
        );
      }
      const [status, queues] = await Promise.all([
        readBotStatus(db, context.now()),
        context.statusQueues === undefined
          ? undefined
          : readQueueDepths(context.statusQueues(), QUEUE_DEPTH_TIMEOUT_MS),
      ]);
      return formatBotStatus(status, queues);
    }
  }
}

/** Why this chat may not subscribe (escaped HTML), or null if it may. */
function joinRefusal(access: BotAccess, chat: BotChat): string | null {
  switch (mayJoin(access, chat)) {
    case "allowed":
      return null;
    case "not-on-allow-list":
      return escapeTelegramHtml(
        bilingual(
          `Chat này chưa được phép đăng ký nhận cảnh báo. Gửi mã chat ${chat.chatId} cho người quản lý bot để được thêm.`,
          `This chat may not subscribe. Give the bot's operator this chat id to be added: ${chat.chatId}.`,
        ),
      );
    case "channel-not-allowed":
      return escapeTelegramHtml(
        bilingual(
          `Kênh chỉ đăng ký được khi người quản lý bot cho phép (mã chat ${chat.chatId}).`,
          `A channel can subscribe only when the bot's operator allows it (chat id ${chat.chatId}).`,
        ),
      );
  }
}

async function capRefusal(db: Kysely<Database>, chat: BotChat): Promise<string | null> {
  const held = await countActiveSubscriptions(db, "telegram", chat.chatId);
  if (held < MAX_SUBSCRIPTIONS_PER_CHAT) return null;
  return escapeTelegramHtml(
    bilingual(
      `Tối đa ${MAX_SUBSCRIPTIONS_PER_CHAT} đăng ký mỗi chat (bạn đang có ${held})`,
      `At most ${MAX_SUBSCRIPTIONS_PER_CHAT} subscriptions per chat (you have ${held})`,
    ),
  );
}

async function listReply(db: Kysely<Database>, chat: BotChat): Promise<string> {
  const me = (await listSubscribers(db)).find((s) => s.channel === "telegram" && s.address === chat.chatId);
  if (me === undefined || !me.isActive || me.subscriptions.length === 0) {
    return "You have no active subscription. Send /start or /subscribe.";
  }
  const quiet =
    me.quietHours === null ? [] : [`Quiet hours: ${formatQuietHours(me.quietHours)} (Vietnam time)`];
  const shown = me.subscriptions.slice(0, LIST_SUBSCRIPTIONS_SHOWN);
  const hidden = me.subscriptions.length - shown.length;
  return [
    `Your subscriptions (${me.subscriptions.length}):`,
    ...quiet,
    ...shown.map((s) => `• ${describeSubscription(s.symbols, s.signalTypes, s.minScore)}`),
    ...(hidden > 0
      ? [escapeTelegramHtml(bilingual(`… và ${hidden} đăng ký khác`, `… and ${hidden} more`))]
      : []),
  ].join("\n");
}

async function signalsReply(db: Kysely<Database>, symbol: string | null): Promise<string> {
  // One more than shown, to know whether there are more.
  const signals = await listSignals(db, { symbol: symbol ?? undefined, limit: SIGNALS_SHOWN + 1 });
  if (signals.length === 0) {
    return symbol === null ? "No signals stored yet." : `No signals for ${escapeTelegramHtml(symbol)}.`;
  }
  const lines = signals
    .slice(0, SIGNALS_SHOWN)
    .map(
      (s) =>
        `${escapeTelegramHtml(s.time)} <b>${escapeTelegramHtml(s.symbol)}</b> ${escapeTelegramHtml(describeSignalType(s.type, s.variant))} ` +
        `· score ${s.score} · ${escapeTelegramHtml(formatConfidence(s.confidence))} · ${escapeTelegramHtml(formatPriceVnd(s.close))}`,
    );
  const more =
    signals.length > SIGNALS_SHOWN
      ? [
          escapeTelegramHtml(
            symbol === null
              ? bilingual("… còn nữa; lọc theo mã: /signals VCB", "… and more; one symbol: /signals VCB")
              : bilingual("… còn tín hiệu cũ hơn", "… and older ones"),
          ),
        ]
      : [];
  return [`Latest signals (newest ${SIGNALS_SHOWN}):`, ...lines, ...more].join("\n");
}

function describeSubscription(
  symbols: readonly string[] | null,
  types: readonly string[] | null,
  minScore: number,
): string {
  const which =
    symbols === null
      ? "all symbols"
      : symbols.length <= LIST_SYMBOLS_SHOWN
        ? symbols.join(", ")
        : `${symbols.slice(0, LIST_SYMBOLS_SHOWN).join(", ")} (+${symbols.length - LIST_SYMBOLS_SHOWN})`;
  const kinds = types === null ? "every signal" : types.map((t) => describeSignalType(t, null)).join(", ");
  return escapeTelegramHtml(`${kinds} on ${which}, score ${minScore}+`);
}
