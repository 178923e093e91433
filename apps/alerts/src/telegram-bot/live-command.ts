import { type Database, findSubscriberSettings, updateSubscriberSettings } from "@vpa/db";
import type { Kysely } from "kysely";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type { BotCommandContext } from "./bot-command-context.ts";
import type { BotChat } from "./chat-access.ts";

/**
 * /live on|off: the chat's opt-in to provisional alerts of forming intraday bars (vpa-signals.md
 * §10; the subscriber's `live` flag, migration 0013). Without an argument, says the setting and
 * how to change it. A chat that never subscribed is told to subscribe first: nothing is created.
 */
export async function liveReply(
  db: Kysely<Database>,
  chat: BotChat,
  on: boolean | null,
  context: BotCommandContext,
): Promise<string> {
  const text = context.text;
  const settings =
    on === null
      ? await findSubscriberSettings(db, "telegram", chat.chatId)
      : await updateSubscriberSettings(db, "telegram", chat.chatId, { live: on });
  if (settings === undefined) return escapeTelegramHtml(text.settings.subscribeFirst);
  const lines =
    on === null
      ? [settings.live ? text.live.stateOn : text.live.stateOff, text.live.usage]
      : [settings.live ? text.live.on : text.live.off];
  return lines.map(escapeTelegramHtml).join("\n");
}
