import {
  countActiveSubscriptions,
  type Database,
  findSubscriberSettings,
  listSubscribers,
  subscribe,
  unsubscribe,
} from "@vpa/db";
import type { Kysely } from "kysely";
import type { Catalogue } from "../i18n/catalogue.ts";
import { formatQuietHours } from "../quiet-hours.ts";
import { formatVietnamTime } from "../render/format-alert-values.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import { scanReply, statusReply } from "./admin-commands.ts";
import type { BotCommandContext } from "./bot-command-context.ts";
import { botHelpHtml } from "./bot-help.ts";
import type { BotReply } from "./bot-reply.ts";
import { chartReply } from "./chart-reply.ts";
import { type BotAccess, type BotChat, isAdminChat, mayJoin } from "./chat-access.ts";
import { subscriptionParts } from "./describe-subscription.ts";
import { liveReply } from "./live-command.ts";
import { type BotCommand, DEFAULT_BOT_MIN_SCORE } from "./parse-bot-command.ts";
import { portfolioReply } from "./portfolio-reply.ts";
import { digestReply, langReply, pauseReply, quietReply, resumeReply } from "./settings-commands.ts";
import { signalsReply, topReply } from "./signal-list-replies.ts";
import { subscriptionReply } from "./signal-type-keyboard.ts";

export type { BotChat } from "./chat-access.ts";

/**
 * Active subscriptions one chat may hold. Each is matched against every new signal, and a chat can
 * send 10 commands a minute: without a cap one chat could add thousands a day. 50 is far more than
 * a person manages by hand.
 */
export const MAX_SUBSCRIPTIONS_PER_CHAT = 50;
/** /list shows this many subscriptions; the rest as "… and K more". */
export const LIST_SUBSCRIPTIONS_SHOWN = 10;

/** The help this chat should see (admins also see the admin commands), in its language. */
export function helpFor(access: BotAccess, chat: BotChat, text: Catalogue): string {
  return botHelpHtml(text, isAdminChat(access, chat));
}

/**
 * Carries out one bot command for one chat and returns the reply (Telegram HTML, every dynamic
 * value escaped, in the chat's language; may be longer than one message: the sender splits it).
 * Idempotent: Telegram may deliver an update twice after a restart. A refused command stores
 * nothing.
 */
export async function handleBotCommand(
  db: Kysely<Database>,
  chat: BotChat,
  command: BotCommand,
  context: BotCommandContext,
): Promise<BotReply> {
  const { text } = context;
  const html = (reply: string): BotReply => ({ html: reply });
  switch (command.kind) {
    case "help":
      return html(helpFor(context.access, chat, text));
    case "start": {
      const refusal = joinRefusal(context.access, chat, text) ?? (await capRefusal(db, chat, text));
      if (refusal !== null) return html(refusal);
      await subscribe(db, {
        channel: "telegram",
        address: chat.chatId,
        name: chat.name,
        minScore: DEFAULT_BOT_MIN_SCORE,
      });
      return html(
        `${escapeTelegramHtml(text.subscription.startedAll(DEFAULT_BOT_MIN_SCORE))}\n\n${helpFor(context.access, chat, text)}`,
      );
    }
    case "subscribe": {
      const refusal = joinRefusal(context.access, chat, text) ?? (await capRefusal(db, chat, text));
      if (refusal !== null) return html(refusal);
      const result = await subscribe(db, {
        channel: "telegram",
        address: chat.chatId,
        name: chat.name,
        symbols: command.symbols,
        signalTypes: command.signalTypes,
        minScore: command.minScore,
      });
      // As stored (subscribe sorts the lists); the keyboard edits this subscription by its id.
      const stored = {
        subscriptionId: result.subscriptionId,
        symbols: command.symbols === null ? null : [...command.symbols].sort(),
        signalTypes: command.signalTypes === null ? null : [...command.signalTypes].sort(),
        minScore: command.minScore,
      };
      return subscriptionReply(stored, text, { existed: !result.created, choosing: true });
    }
    case "quiet":
      return html(await quietReply(db, chat, command.window, context));
    case "unsubscribe":
      return html(
        escapeTelegramHtml(
          (await unsubscribe(db, "telegram", chat.chatId, "unsubscribed via bot"))
            ? text.subscription.unsubscribed
            : text.subscription.noneActive,
        ),
      );
    case "list":
      return html(await listReply(db, chat, context));
    case "signals":
      return html(await signalsReply(context.readDb ?? db, command.symbol, context));
    case "top":
      return html(await topReply(context.readDb ?? db, command.limit, context));
    case "chart":
      return chartReply(command.symbol, context);
    case "portfolio":
      return html(await portfolioReply(context.readDb ?? db, command.name, context));
    case "digest":
      return html(await digestReply(db, chat, command.change, context));
    case "lang":
      return html(await langReply(db, chat, command.language, context));
    case "pause":
      return html(await pauseReply(db, chat, command.durationMs, context));
    case "resume":
      return html(await resumeReply(db, chat, context));
    case "live":
      return html(await liveReply(db, chat, command.on, context));
    case "status":
      return html(await statusReply(context.readDb ?? db, chat, context));
    case "scan":
      return html(await scanReply(chat, context));
  }
}

/** Why this chat may not subscribe (escaped HTML), or null if it may. */
function joinRefusal(access: BotAccess, chat: BotChat, text: Catalogue): string | null {
  switch (mayJoin(access, chat)) {
    case "allowed":
      return null;
    case "not-on-allow-list":
      return escapeTelegramHtml(text.refusal.notOnAllowList(chat.chatId));
    case "channel-not-allowed":
      return escapeTelegramHtml(text.refusal.channelNotAllowed(chat.chatId));
  }
}

async function capRefusal(db: Kysely<Database>, chat: BotChat, text: Catalogue): Promise<string | null> {
  const held = await countActiveSubscriptions(db, "telegram", chat.chatId);
  if (held < MAX_SUBSCRIPTIONS_PER_CHAT) return null;
  return escapeTelegramHtml(text.refusal.subscriptionCap({ max: MAX_SUBSCRIPTIONS_PER_CHAT, held }));
}

/** /list: how alerts reach this chat (delivery, pause, quiet hours), then its subscriptions. */
async function listReply(db: Kysely<Database>, chat: BotChat, context: BotCommandContext): Promise<string> {
  const { text, language } = context;
  const [subscribers, settings] = await Promise.all([
    listSubscribers(db),
    findSubscriberSettings(db, "telegram", chat.chatId),
  ]);
  const me = subscribers.find((s) => s.channel === "telegram" && s.address === chat.chatId);
  if (me === undefined || settings === undefined || !me.isActive || me.subscriptions.length === 0) {
    return escapeTelegramHtml(text.subscription.noneActive);
  }
  const paused =
    settings.pausedUntil !== null && settings.pausedUntil.getTime() > context.now().getTime()
      ? [text.settings.pausedLine(formatVietnamTime(settings.pausedUntil.getTime(), language))]
      : [];
  const shown = me.subscriptions.slice(0, LIST_SUBSCRIPTIONS_SHOWN);
  const hidden = me.subscriptions.length - shown.length;
  return [
    text.subscription.listHeading(me.subscriptions.length),
    settings.deliveryMode === "digest"
      ? text.settings.deliveryDigest(settings.digestTop)
      : text.settings.deliveryInstant,
    ...paused,
    ...(me.quietHours === null ? [] : [text.settings.quietLine(formatQuietHours(me.quietHours))]),
    ...shown.map((s) => `• ${text.subscription.describe(subscriptionParts(s))}`),
    ...(hidden > 0 ? [text.subscription.listMore(hidden)] : []),
  ]
    .map(escapeTelegramHtml)
    .join("\n");
}
