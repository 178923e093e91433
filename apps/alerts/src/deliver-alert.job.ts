import {
  claimDelivery,
  type Database,
  type DeliveryKey,
  deactivateSubscriber,
  findDeliveryStatuses,
  findRecipients,
  findSignal,
  findThrottleState,
  markDeliverySent,
  markDeliveryUnsent,
  type Recipient,
  recordSuppressed,
  type SignalView,
  settleAlert,
  startAlert,
} from "@vpa/db";
import type { JobPayload, Metrics } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Channel, ChannelSender } from "./channels/channel.ts";
import { DeliveryFailedError } from "./channels/delivery-failed-error.ts";
import { DeliveryOutcomeUnknownError } from "./channels/delivery-outcome-unknown-error.ts";
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
  /** The clock every time rule (quiet hours, the hourly cap) reads. Default Date.now. */
  readonly now?: () => number;
  /**
   * Aborts sends in flight (a shutdown past its grace): each ends `retry` if its request had not
   * been written, `uncertain` if it had, so no claim is left `sending`.
   */
  readonly sendSignal?: AbortSignal;
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
 * What one recipient's turn in a job came to (docs/delivery.md):
 * - sent, failed, suppressed, uncertain: the delivery row's new state;
 * - skipped: already settled by an earlier run (or settled by another worker meanwhile);
 * - deferred: the subscriber's quiet hours; the job comes back when they end;
 * - retry: the provider did not take it (429, 5xx, network before the request was written);
 * - released: the worker is shutting down; not claimed, the next run sends it;
 * - unconfigured: this process has no sender for the channel (logged; nothing is owed here).
 */
export type DeliveryOutcome =
  | "sent"
  | "skipped"
  | "suppressed"
  | "deferred"
  | "retry"
  | "failed"
  | "uncertain"
  | "released"
  | "unconfigured";

export interface DeliverResult {
  readonly alertId: number;
  readonly signalId: number;
  readonly recipients: number;
  readonly outcomes: Readonly<Record<DeliveryOutcome, number>>;
  /** Set when some deliveries must be tried again: the longest wait a provider asked for, or 0. */
  readonly retryAfterMs: number | null;
  /** The first few failure reasons, for the job's own failure message. */
  readonly errors: readonly string[];
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
 * channel, walking the delivery state machine of docs/delivery.md. For each recipient whose
 * delivery is not settled yet: quiet hours → defer; throttle → `suppressed`; wait for a pacing
 * slot; only then claim (`sending`) and hand it to the provider; record what came back. The
 * claim is the last step before the send, so a worker killed while waiting holds no claim.
 *
 * The job's outcome:
 * - every delivery settled (sent, failed, suppressed, uncertain, or a channel this process does not
 *   have) → the alert is `done` and the job completes;
 * - some were rate-limited, failed transiently, deferred, or released by a shutdown → the result
 *   says so and the worker re-queues the job; only the unsettled deliveries are tried again.
 */
export async function deliverAlert(
  payload: JobPayload<"alerts">,
  deps: DeliverDependencies,
  signal?: AbortSignal,
): Promise<DeliverResult> {
  const found = await findSignal(deps.db, payload.signalId);
  if (found === undefined) {
    throw new SignalNotFoundError(payload.signalId);
  }
  const message = renderAlert(alertContentOf(found));
  const alert = await startAlert(deps.db, {
    signalId: found.id,
    priority: found.priority,
    message: message.text,
  });
  const outcomes = emptyOutcomes();
  if (alert.state !== "pending") {
    // done or gave_up: an old job re-run, or a duplicate. Nothing is owed (vpa alerts retry owes it again).
    return { alertId: alert.id, signalId: found.id, recipients: 0, outcomes, retryAfterMs: null, errors: [] };
  }
  const recipients = await findRecipients(deps.db, {
    symbol: found.symbol,
    type: found.type,
    score: found.score,
    subscribedBefore: alert.createdAt,
  });
  const statuses = await findDeliveryStatuses(deps.db, alert.id);
  let retryAfterMs: number | null = null;
  const errors: string[] = [];

  for (const recipient of recipients) {
    const status = statuses.get(`${recipient.subscriberId}|${recipient.channel}`);
    if (status === "sending") {
      // Claimed by an earlier run of this job that never reported back (one run at a time per
      // alert): it died mid-send. claimDelivery records that as uncertain; never resent.
      const claim = await claimDelivery(deps.db, {
        alertId: alert.id,
        subscriberId: recipient.subscriberId,
        channel: recipient.channel,
      });
      if (claim === "uncertain") {
        deps.logger.warn(
          { alertId: alert.id, subscriberId: recipient.subscriberId, channel: recipient.channel },
          "an earlier attempt died mid-send; recorded uncertain, not resent",
        );
      }
      outcomes.skipped++;
      continue;
    }
    if (status !== undefined && status !== "retry") {
      outcomes.skipped++;
      continue;
    }
    if (signal?.aborted === true) {
      outcomes.released++;
      continue;
    }
    const outcome = await deliverOne(alert.id, found, recipient, message, deps, signal);
    outcomes[outcome.status]++;
    if (outcome.error !== undefined && errors.length < 3) errors.push(outcome.error);
    if (outcome.status === "retry" || outcome.status === "deferred") {
      retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.retryAfterMs);
    }
  }
  if (outcomes.retry + outcomes.deferred + outcomes.released === 0) {
    await settleAlert(deps.db, alert.id, "done");
  }
  return {
    alertId: alert.id,
    signalId: found.id,
    recipients: recipients.length,
    outcomes,
    retryAfterMs,
    errors,
  };
}

export class SignalNotFoundError extends Error {
  readonly code = "SIGNAL_NOT_FOUND";
  constructor(signalId: number) {
    super(`signal ${signalId} does not exist (deleted since the alert was queued)`);
    this.name = "SignalNotFoundError";
  }
}

function emptyOutcomes(): Record<DeliveryOutcome, number> {
  return {
    sent: 0,
    skipped: 0,
    suppressed: 0,
    deferred: 0,
    retry: 0,
    failed: 0,
    uncertain: 0,
    released: 0,
    unconfigured: 0,
  };
}

interface OneOutcome {
  readonly status: DeliveryOutcome;
  readonly retryAfterMs: number;
  readonly error?: string;
}

async function deliverOne(
  alertId: number,
  signal: SignalView,
  recipient: Recipient,
  message: ReturnType<typeof renderAlert>,
  deps: DeliverDependencies,
  abort: AbortSignal | undefined,
): Promise<OneOutcome> {
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
  const now = deps.now ?? Date.now;
  const quietFor = quietHoursDelayMs(recipient.quietHours, now());
  if (quietFor > 0) {
    logger.debug({ quietFor }, "quiet hours: delivery deferred");
    return { status: "deferred", retryAfterMs: quietFor };
  }
  const key = { alertId, subscriberId: recipient.subscriberId, channel: recipient.channel };
  const throttled = await throttleReason(signal.id, recipient, deps.throttle, deps.db, now());
  if (throttled !== null) {
    if (await recordSuppressed(deps.db, key, throttled)) {
      deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "suppressed" });
      logger.info({ reason: throttled }, "delivery suppressed");
      return { status: "suppressed", retryAfterMs: 0 };
    }
    return { status: "skipped", retryAfterMs: 0 };
  }
  try {
    await deps.pacer.acquire(recipient.channel, recipient.address, abort);
  } catch {
    // Shutting down while waiting for a slot: nothing was claimed, the next run sends it.
    return { status: "released", retryAfterMs: 0 };
  }
  const claim = await claimDelivery(deps.db, key);
  if (claim !== "claimed") {
    if (claim === "uncertain")
      logger.warn("an earlier attempt died mid-send; not resent to rule out a duplicate");
    return { status: "skipped", retryAfterMs: 0 };
  }
  deps.metrics.alertDeliveryAttempts.inc(labels);
  try {
    const receipt = await sender.send(
      { subscriberId: recipient.subscriberId, address: recipient.address },
      message,
      {
        key: `vpa-alert-${alertId}-${recipient.subscriberId}-${recipient.channel}`,
        ...(deps.sendSignal === undefined ? {} : { signal: deps.sendSignal }),
      },
    );
    await markDeliverySent(deps.db, key, receipt.providerMessageId);
    deps.metrics.alertsSent.inc(labels);
    return { status: "sent", retryAfterMs: 0 };
  } catch (error) {
    return recordFailure(error, key, recipient, labels, deps, logger);
  }
}

/** Records a failed send: the error's type says which state the delivery moves to. */
async function recordFailure(
  error: unknown,
  key: DeliveryKey,
  recipient: Recipient,
  labels: { channel: string; priority: string },
  deps: DeliverDependencies,
  logger: Logger,
): Promise<OneOutcome> {
  const reason = errorMessage(error);
  if (error instanceof DeliveryRateLimitedError) {
    deps.pacer.holdOff(recipient.channel, recipient.address, error.retryAfterMs);
    await markDeliveryUnsent(deps.db, key, "retry", reason);
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "rate_limited" });
    logger.warn({ retryAfterMs: error.retryAfterMs }, "rate limited by the provider; will retry");
    return { status: "retry", retryAfterMs: error.retryAfterMs, error: reason };
  }
  if (error instanceof DeliveryOutcomeUnknownError) {
    await markDeliveryUnsent(deps.db, key, "uncertain", reason);
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "uncertain" });
    logger.warn({ err: error }, "no answer after the send: recorded uncertain, not resent");
    return { status: "uncertain", retryAfterMs: 0, error: reason };
  }
  if (error instanceof RecipientUnreachableError) {
    await markDeliveryUnsent(deps.db, key, "failed", reason);
    await deactivateSubscriber(deps.db, recipient.subscriberId, reason);
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "unreachable" });
    logger.warn({ err: error }, "recipient unreachable; subscriber deactivated");
    return { status: "failed", retryAfterMs: 0, error: reason };
  }
  if (error instanceof DeliveryFailedError && error.permanent) {
    await markDeliveryUnsent(deps.db, key, "failed", reason);
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "permanent" });
    logger.error({ err: error }, "delivery failed permanently");
    return { status: "failed", retryAfterMs: 0, error: reason };
  }
  // Transient (5xx, network before the request was written): not delivered; try again later.
  await markDeliveryUnsent(deps.db, key, "retry", reason);
  deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "transient" });
  logger.warn({ err: error }, "delivery failed; will retry");
  return { status: "retry", retryAfterMs: 0, error: reason };
}

async function throttleReason(
  signalId: number,
  recipient: Recipient,
  throttle: AlertThrottle,
  db: Kysely<Database>,
  now: number,
): Promise<string | null> {
  if (throttle.cooldownMs <= 0 && throttle.maxPerHour <= 0) return null;
  const state = await findThrottleState(db, {
    subscriberId: recipient.subscriberId,
    channel: recipient.channel,
    signalId,
    cooldownMs: throttle.cooldownMs,
    capSince: new Date(now - 3_600_000),
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
