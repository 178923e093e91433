import { type BotStatus, dateToBarTime } from "@vpa/db";
import type { QueueJobCounts } from "@vpa/runtime";
import type { Catalogue } from "../i18n/catalogue.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";

/**
 * The /status reply (Telegram HTML): labels in the chat's language, figures, names and times as
 * stored (an operator compares them with logs and `vpa status`). `queues`: undefined when the bot
 * was given no queues to read, null when Redis did not answer. A queue's line is `waiting, active,
 * delayed, failed` (the catalogue's label), where waiting means ready to run: BullMQ's `waiting`
 * plus `prioritized`. Alert and delivery jobs all carry a priority, so `waiting` alone would read 0
 * while they pile up; `vpa status` and the API show the two apart, the dashboard adds them too.
 */
export function formatBotStatus(
  status: BotStatus,
  queues: readonly QueueJobCounts[] | null | undefined,
  text: Catalogue,
): string {
  const labels = text.status;
  const subscriberTotal = Object.values(status.activeSubscribers).reduce((sum, n) => sum + n, 0);
  const perChannel = Object.entries(status.activeSubscribers)
    .map(([channel, count]) => `${channel} ${count}`)
    .join(", ");
  const deliveries = Object.entries(status.deliveriesLast24h)
    .map(([state, count]) => `${state} ${count}`)
    .join(", ");
  const signal = status.lastSignal;
  const lines = [
    `${labels.subscribers}: ${subscriberTotal}${perChannel === "" ? "" : ` (${perChannel})`}`,
    `${labels.activeSubscriptions}: ${status.activeSubscriptions}`,
    signal === null
      ? `${labels.lastSignal}: ${labels.noneYet}`
      : `${labels.lastSignal}: ${signal.symbol} ${signal.type} ${signal.time} (${signal.timeframe}), ` +
        `${labels.storedAt} ${dateToBarTime(signal.storedAt, "1m")}`,
    `${labels.deliveries24h}: ${deliveries === "" ? "0" : deliveries}`,
  ];
  if (queues === null) lines.push(`${labels.queues}: ${labels.queuesUnavailable}`);
  if (queues !== null && queues !== undefined) {
    lines.push(`${labels.queues}:`);
    for (const q of queues) {
      lines.push(`• ${q.queue}: ${q.waiting + q.prioritized}, ${q.active}, ${q.delayed}, ${q.failed}`);
    }
  }
  return [`<b>${escapeTelegramHtml(labels.title)}</b>`, ...lines.map(escapeTelegramHtml)].join("\n");
}
