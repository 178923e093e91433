import { type Database, listSignals, listSubscribers, setQuietHours, subscribe, unsubscribe } from "@vpa/db";
import type { Kysely } from "kysely";
import { formatQuietHours } from "../quiet-hours.ts";
import { formatConfidence, formatPriceVnd } from "../render/format-alert-values.ts";
import { describeSignalType } from "../render/signal-label.ts";
import { escapeTelegramHtml, truncateTelegramHtml } from "../render/telegram-html.ts";
import { BOT_HELP_HTML } from "./bot-help.ts";
import { type BotCommand, DEFAULT_BOT_MIN_SCORE } from "./parse-bot-command.ts";

export interface BotChat {
  readonly chatId: string;
  /** The user's display name, kept with the subscriber. */
  readonly name: string | null;
}

/**
 * Carries out one bot command for one chat and returns the reply (Telegram HTML, every dynamic
 * value escaped). Idempotent: Telegram may deliver an update twice after a restart.
 */
export async function handleBotCommand(
  db: Kysely<Database>,
  chat: BotChat,
  command: BotCommand,
): Promise<string> {
  switch (command.kind) {
    case "help":
      return BOT_HELP_HTML;
    case "start": {
      await subscribe(db, {
        channel: "telegram",
        address: chat.chatId,
        name: chat.name,
        minScore: DEFAULT_BOT_MIN_SCORE,
      });
      return `Subscribed: every signal scoring ${DEFAULT_BOT_MIN_SCORE}+.\n\n${BOT_HELP_HTML}`;
    }
    case "subscribe": {
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
    case "list": {
      const me = (await listSubscribers(db)).find(
        (s) => s.channel === "telegram" && s.address === chat.chatId,
      );
      if (me === undefined || !me.isActive || me.subscriptions.length === 0) {
        return "You have no active subscription. Send /start or /subscribe.";
      }
      const quiet =
        me.quietHours === null ? [] : [`Quiet hours: ${formatQuietHours(me.quietHours)} (Vietnam time)`];
      return [
        "Your subscriptions:",
        ...quiet,
        ...me.subscriptions.map((s) => `• ${describeSubscription(s.symbols, s.signalTypes, s.minScore)}`),
      ].join("\n");
    }
    case "signals": {
      const signals = await listSignals(db, { symbol: command.symbol ?? undefined, limit: 10 });
      if (signals.length === 0)
        return command.symbol === null
          ? "No signals stored yet."
          : `No signals for ${escapeTelegramHtml(command.symbol)}.`;
      const lines = signals.map(
        (s) =>
          `${escapeTelegramHtml(s.time)} <b>${escapeTelegramHtml(s.symbol)}</b> ${escapeTelegramHtml(describeSignalType(s.type, s.variant))} ` +
          `· score ${s.score} · ${escapeTelegramHtml(formatConfidence(s.confidence))} · ${escapeTelegramHtml(formatPriceVnd(s.close))}`,
      );
      return truncateTelegramHtml(["Latest signals:", ...lines].join("\n"));
    }
  }
}

function describeSubscription(
  symbols: readonly string[] | null,
  types: readonly string[] | null,
  minScore: number,
): string {
  const which = symbols === null ? "all symbols" : symbols.join(", ");
  const kinds = types === null ? "every signal" : types.map((t) => describeSignalType(t, null)).join(", ");
  return escapeTelegramHtml(`${kinds} on ${which}, score ${minScore}+`);
}
