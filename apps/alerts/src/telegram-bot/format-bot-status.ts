import { type BotStatus, dateToBarTime } from "@vpa/db";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type { QueueDepth } from "./read-queue-depths.ts";

/**
 * The /status reply (Telegram HTML): labels in Vietnamese / English, figures once. `queues`:
 * undefined when the bot was given no queues to read, null when Redis did not answer.
 */
export function formatBotStatus(status: BotStatus, queues: readonly QueueDepth[] | null | undefined): string {
  const subscriberTotal = Object.values(status.activeSubscribers).reduce((sum, n) => sum + n, 0);
  const perChannel = Object.entries(status.activeSubscribers)
    .map(([channel, count]) => `${channel} ${count}`)
    .join(", ");
  const deliveries = Object.entries(status.deliveriesLast24h)
    .map(([state, count]) => `${state} ${count}`)
    .join(", ");
  const signal = status.lastSignal;
  const lines = [
    "<b>Trạng thái / Status</b>",
    `Người đăng ký / Subscribers: ${subscriberTotal}${perChannel === "" ? "" : ` (${perChannel})`}`,
    `Đăng ký đang bật / Active subscriptions: ${status.activeSubscriptions}`,
    signal === null
      ? "Tín hiệu mới nhất / Last signal: chưa có / none yet"
      : `Tín hiệu mới nhất / Last signal: ${signal.symbol} ${signal.type} ${signal.time} (${signal.timeframe}), ` +
        `lưu lúc / stored ${dateToBarTime(signal.storedAt, "1m")}`,
    `Gửi trong 24 giờ / Deliveries, last 24 h: ${deliveries === "" ? "0" : deliveries}`,
  ];
  if (queues === null) lines.push("Hàng đợi / Queues: không đọc được / unavailable (Redis?)");
  if (queues !== null && queues !== undefined) {
    lines.push("Hàng đợi / Queues (waiting, active, delayed, failed):");
    for (const q of queues) lines.push(`• ${q.queue}: ${q.waiting}, ${q.active}, ${q.delayed}, ${q.failed}`);
  }
  return lines.map(escapeTelegramHtmlOutsideTags).join("\n");
}

/** Every figure and name above is ours or from the database; escape all but the one bold tag. */
function escapeTelegramHtmlOutsideTags(line: string): string {
  return line.startsWith("<b>") ? line : escapeTelegramHtml(line);
}
