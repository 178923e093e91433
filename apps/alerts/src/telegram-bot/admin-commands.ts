import { type Database, readBotStatus } from "@vpa/db";
import type { Kysely } from "kysely";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type { BotCommandContext } from "./bot-command-context.ts";
import { type BotChat, isAdminChat } from "./chat-access.ts";
import { formatBotStatus } from "./format-bot-status.ts";
import { readQueueDepths } from "./read-queue-depths.ts";

/** /status waits this long for Redis before answering without the queues. */
const QUEUE_DEPTH_TIMEOUT_MS = 2_000;

/** The refusal an admin command gives anyone else, or null for an admin chat. */
export function adminRefusal(
  command: "status" | "scan",
  chat: BotChat,
  context: BotCommandContext,
): string | null {
  return isAdminChat(context.access, chat)
    ? null
    : escapeTelegramHtml(context.text.refusal.adminOnly(command));
}

/** /status: subscribers, subscriptions, the newest signal, deliveries in 24 h, queue depths. */
export async function statusReply(
  db: Kysely<Database>,
  chat: BotChat,
  context: BotCommandContext,
): Promise<string> {
  const refusal = adminRefusal("status", chat, context);
  if (refusal !== null) return refusal;
  const [status, queues] = await Promise.all([
    readBotStatus(db, context.now()),
    context.statusQueues === undefined
      ? undefined
      : readQueueDepths(context.statusQueues(), QUEUE_DEPTH_TIMEOUT_MS),
  ]);
  return formatBotStatus(status, queues, context.text);
}

/**
 * /scan: enqueues a scan of the newest bars now, as `vpa scan` does. Safe to repeat: the scan's
 * jobs are keyed by symbol and bar, so a second /scan of the same bars adds no work.
 */
export async function scanReply(chat: BotChat, context: BotCommandContext): Promise<string> {
  const refusal = adminRefusal("scan", chat, context);
  if (refusal !== null) return refusal;
  const { text } = context;
  if (context.requestScan === undefined) return escapeTelegramHtml(text.scan.unavailable);
  const { symbols } = await context.requestScan();
  return escapeTelegramHtml(symbols === 0 ? text.scan.nothingToScan : text.scan.queued(symbols));
}
