import {
  claimDelivery,
  type Database,
  deactivateSubscriber,
  ensureAlert,
  findRecipients,
  findSignal,
  findThrottleState,
  markDeliverySent,
  markDeliveryUnsent,
  type Recipient,
  type SignalView,
} from "@vpa/db";
import type { JobPayload, Metrics } from "@vpa/runtime";
import { UnrecoverableError } from "bullmq";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Channel, ChannelSender } from "./channels/channel.ts";
import { DeliveryFailedError } from "./channels/delivery-failed-error.ts";
import { DeliveryRateLimitedError } from "./channels/delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "./channels/recipient-unreachable-error.ts";
import type { Pacer } from "./pacer.ts";
import { quietHoursDelayMs } from "./quiet-hours.ts";
import { type AlertContent, renderAlert } from "./render/render-alert.ts";

export interface DeliverDependencies {
  readonly db: Kysely<Database>;
  /** The channels this process can send on; a subscriber on another channel is skipped and logged. */
  readonly senders: ReadonlyMap<Channel, ChannelSender>;
  readonly pacer: Pacer;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly throttle: AlertThrottle;
  /** The clock quiet hours are read against. Default Date.now. */
  readonly now?: () => number;
}

/**
 * Anti-spam rules, per subscriber and channel (TradingView stops an alert after 15 triggers in 3
 * minutes; we hold back instead of stopping): a signal of the same symbol and type for a bar
 * within `cooldownMs` of one already sent is not sent again (intraday bars repeat readings), and
 * past `maxPerHour` deliveries in the last hour the rest are suppressed. Suppressed is final and
 * visible in alert_deliveries; the signals stay queryable (`vpa signals`, /signals).
 */
export interface AlertThrottle {
  readonly cooldownMs: number;
  /** 0: no cap. */
  readonly maxPerHour: number;
}

/**
 * - deferred: the subscriber's quiet hours; the job comes back when they end.
 * - retry: the provider did not take it (429, 5xx, network); tried again.
 */
export type DeliveryOutcome =
  | "sent"
  | "skipped"
  | "suppressed"
  | "deferred"
  | "retry"
  | "failed"
  | "unconfigured";

export interface DeliverResult {
  readonly alertId: number;
  readonly signalId: number;
  readonly recipients: number;
  readonly outcomes: Readonly<Record<DeliveryOutcome, number>>;
  /** Set when some deliveries must be tried again: the longest wait a provider asked for, or 0. */
  readonly retryAfterMs: number | null;
}

export function alertContentOf(signal: SignalView): AlertContent {
  return {
    symbol: signal.symbol,
    signalType: signal.type,
    bias: signal.bias,
    score: signal.score,
    confidence: signal.confidence,
    priority: signal.priority,
    variant: signal.variant,
    close: signal.close,
    volumeRatio: signal.volumeRatio,
    time: signal.time,
    exchange: signal.exchange,
    name: signal.name,
    priceChange: signal.priceChange,
  };
}

/**
 * One alert job: render the signal once, then deliver it to every matching subscriber on every
 * channel, each (alert, subscriber, channel) claimed in PostgreSQL before the send so that no retry,
 * re-run or second worker can ever send it twice. The job's own outcome:
 * - every delivery settled (sent, failed for good, or skipped) → completes;
 * - some were rate-limited or failed transiently → the result says so and the caller re-queues the
 *   job; only the unsettled deliveries are tried again.
 */
export async function deliverAlert(
  payload: JobPayload<"alerts">,
  deps: DeliverDependencies,
): Promise<DeliverResult> {
  const signal = await findSignal(deps.db, payload.signalId);
  if (signal === undefined) throw new UnrecoverableError(`signal ${payload.signalId} does not exist`);
  const message = renderAlert(alertContentOf(signal));
  const alertId = await ensureAlert(deps.db, {
    signalId: signal.id,
    priority: signal.priority,
    message: message.text,
  });
  const recipients = await findRecipients(deps.db, {
    symbol: signal.symbol,
    type: signal.type,
    score: signal.score,
  });
  const outcomes: Record<DeliveryOutcome, number> = {
    sent: 0,
    skipped: 0,
    suppressed: 0,
    deferred: 0,
    retry: 0,
    failed: 0,
    unconfigured: 0,
  };
  let retryAfterMs: number | null = null;

  for (const recipient of recipients) {
    const outcome = await deliverOne(alertId, signal, recipient, message, deps);
    outcomes[outcome.status]++;
    if (outcome.status === "retry" || outcome.status === "deferred") {
      retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.retryAfterMs);
    }
  }
  return { alertId, signalId: signal.id, recipients: recipients.length, outcomes, retryAfterMs };
}

async function deliverOne(
  alertId: number,
  signal: SignalView,
  recipient: Recipient,
  message: ReturnType<typeof renderAlert>,
  deps: DeliverDependencies,
): Promise<{ status: DeliveryOutcome; retryAfterMs: number }> {
  const sender = deps.senders.get(recipient.channel);
  const labels = { channel: recipient.channel, priority: signal.priority };
  const logger = deps.logger.child({
    alertId,
    subscriberId: recipient.subscriberId,
    channel: recipient.channel,
  });
  if (sender === undefined) {
    logger.warn("channel not configured in this process; delivery skipped");
    return { status: "unconfigured", retryAfterMs: 0 };
  }
  const quietFor = quietHoursDelayMs(recipient.quietHours, (deps.now ?? Date.now)());
  if (quietFor > 0) {
    logger.debug({ quietFor }, "quiet hours: delivery deferred");
    return { status: "deferred", retryAfterMs: quietFor };
  }
  const key = { alertId, subscriberId: recipient.subscriberId, channel: recipient.channel };
  const claim = await claimDelivery(deps.db, key);
  if (claim !== "claimed") {
    if (claim === "uncertain")
      logger.warn("an earlier attempt died mid-send; not resent to rule out a duplicate");
    return { status: "skipped", retryAfterMs: 0 };
  }
  const throttled = await throttleReason(signal.id, recipient, deps.throttle, deps.db);
  if (throttled !== null) {
    await markDeliveryUnsent(deps.db, key, "suppressed", throttled);
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "suppressed" });
    logger.info({ reason: throttled }, "delivery suppressed");
    return { status: "suppressed", retryAfterMs: 0 };
  }
  await deps.pacer.acquire(recipient.channel, recipient.address);
  deps.metrics.alertDeliveryAttempts.inc(labels);
  try {
    const receipt = await sender.send(
      { subscriberId: recipient.subscriberId, address: recipient.address },
      message,
      {
        key: `vpa-alert-${alertId}-${recipient.subscriberId}-${recipient.channel}`,
      },
    );
    await markDeliverySent(deps.db, key, receipt.providerMessageId);
    deps.metrics.alertsSent.inc(labels);
    return { status: "sent", retryAfterMs: 0 };
  } catch (error) {
    const reason = errorMessage(error);
    if (error instanceof DeliveryRateLimitedError) {
      deps.pacer.holdOff(recipient.channel, recipient.address, error.retryAfterMs);
      await markDeliveryUnsent(deps.db, key, "retry", reason);
      deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "rate_limited" });
      logger.warn({ retryAfterMs: error.retryAfterMs }, "rate limited by the provider; will retry");
      return { status: "retry", retryAfterMs: error.retryAfterMs };
    }
    if (error instanceof RecipientUnreachableError) {
      await markDeliveryUnsent(deps.db, key, "failed", reason);
      await deactivateSubscriber(deps.db, recipient.subscriberId, reason);
      deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "unreachable" });
      logger.warn({ err: error }, "recipient unreachable; subscriber deactivated");
      return { status: "failed", retryAfterMs: 0 };
    }
    if (error instanceof DeliveryFailedError && error.permanent) {
      await markDeliveryUnsent(deps.db, key, "failed", reason);
      deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "permanent" });
      logger.error({ err: error }, "delivery failed permanently");
      return { status: "failed", retryAfterMs: 0 };
    }
    // Transient (5xx, network) or unexpected: the provider did not accept it; try again later.
    await markDeliveryUnsent(deps.db, key, "retry", reason);
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "transient" });
    logger.warn({ err: error }, "delivery failed; will retry");
    return { status: "retry", retryAfterMs: 0 };
  }
}

async function throttleReason(
  signalId: number,
  recipient: Recipient,
  throttle: AlertThrottle,
  db: Kysely<Database>,
): Promise<string | null> {
  if (throttle.cooldownMs <= 0 && throttle.maxPerHour <= 0) return null;
  const state = await findThrottleState(db, {
    subscriberId: recipient.subscriberId,
    channel: recipient.channel,
    signalId,
    cooldownMs: throttle.cooldownMs,
    capSince: new Date(Date.now() - 3_600_000),
  });
  if (throttle.cooldownMs > 0 && state.inCooldown) {
    return `cooldown: the same signal on this symbol was sent for a bar within ${Math.round(throttle.cooldownMs / 60_000)} min`;
  }
  if (throttle.maxPerHour > 0 && state.sentRecently >= throttle.maxPerHour) {
    return `cap: ${state.sentRecently} alerts sent to this subscriber in the last hour (max ${throttle.maxPerHour})`;
  }
  return null;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
