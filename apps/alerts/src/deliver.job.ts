import {
  type Database,
  type DeliveryContext,
  type DigestItem,
  deactivateSubscriber,
  markDeliveryUnsent,
  type PortfolioDay,
  suppressDelivery,
} from "@vpa/db";
import type { JobPayload, Metrics, RateBooking, RateDecision, RateLimit } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { AlertSignalDeletedError } from "./alert-signal-deleted-error.ts";
import { type AlertThrottle, capWindowStart, throttleEnabled, throttleVerdict } from "./alert-throttle.ts";
import type { Channel, ChannelSender } from "./channels/channel.ts";
import type { ChannelPacing } from "./channels/channel-pacing.ts";
import { isChannel } from "./channels/channel-registry.ts";
import { DeliveryFailedError } from "./channels/delivery-failed-error.ts";
import { DeliveryOutcomeUnknownError } from "./channels/delivery-outcome-unknown-error.ts";
import { DeliveryRateLimitedError } from "./channels/delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "./channels/recipient-unreachable-error.ts";
import { type SendMarks, sendInWindow } from "./channels/send-in-window.ts";
import type { AlertCharts } from "./chart/alert-charts.ts";
import { type DeliveryLedger, sharedDeliveryLedger } from "./delivery-ledger.ts";
import { type EvidenceLookup, sharedEvidenceLookup } from "./evidence/evidence-lookup.ts";
import { evidenceSubjectOfDigestItem, evidenceSubjectOfSignal } from "./evidence/evidence-subject.ts";
import type { EvidenceSubject, SignalEvidence } from "./evidence/signal-evidence.ts";
import { alertContentOf } from "./fan-out-alert.job.ts";
import { type PortfolioDayLookup, sharedPortfolioDayLookup } from "./portfolio-day-lookup.ts";
import { quietHoursDelayMs } from "./quiet-hours.ts";
import { renderAlert } from "./render/render-alert.ts";
import { type DigestLanguage, renderDigest } from "./render/render-digest.ts";
import type { RenderedMessage } from "./render/rendered-message.ts";

export type { AlertThrottle } from "./alert-throttle.ts";

/** The shared limiter as a delivery uses it (runtime's RedisRateLimiter). */
export interface DeliveryRateLimiter extends SendMarks {
  tryAcquire(limits: readonly RateLimit[], pause: string | null): Promise<RateDecision>;
  pause(pause: string, ms: number): Promise<void>;
}

export interface DeliveryDependencies {
  readonly db: Kysely<Database>;
  /**
   * The ledger's statements, shared by the delivery jobs running beside this one
   * (delivery-ledger.ts). Default: the ledger shared by every user of `db`.
   */
  readonly ledger?: DeliveryLedger;
  /** The channels this process can send on. */
  readonly senders: ReadonlyMap<Channel, ChannelSender>;
  readonly limiter: DeliveryRateLimiter;
  readonly pacing: (channel: Channel) => ChannelPacing;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly throttle: AlertThrottle;
  /** A subscriber's language when they chose none (ALERT_LANGUAGE). */
  readonly defaultLanguage: DigestLanguage;
  /** Draws (or finds) an instant alert's chart (chart/alert-charts.ts); without it, alerts go as text. */
  readonly charts?: AlertCharts;
  /**
   * The track record's evidence for each signal (evidence/evidence-lookup.ts), one line in every
   * alert and under every digest line. Default: the lookup shared by every user of `db`.
   */
  readonly evidence?: EvidenceLookup;
  /**
   * The paper portfolios' last closes, one line at the foot of every digest
   * (portfolio-day-lookup.ts). Default: the lookup shared by every user of `db`.
   */
  readonly portfolioDays?: PortfolioDayLookup;
  /** The clock every time rule (quiet hours, pause, the hourly cap) reads. Default Date.now. */
  readonly now?: () => number;
  /**
   * Aborts a send in flight (a shutdown past its grace): it ends `retry` if its request had not
   * been written, `uncertain` if it had, so no claim is left `sending`.
   */
  readonly sendSignal?: AbortSignal;
  /**
   * Where a run keeps the outcome of its send when PostgreSQL cannot take it (the worker keeps it in
   * the job's data, in Redis): the next run records it instead of guessing `uncertain`, and a
   * message Telegram accepted is never sent again because a database write failed after it.
   */
  readonly outcomeMemory?: OutcomeMemory;
}

/**
 * What one delivery job came to (docs/delivery.md):
 * - settled: the row's final state (or `skipped`: settled before this run);
 * - wait: not now, and no attempt spent: quiet hours, a pause, the rate limit, a provider's
 *   retry_after, or a shutdown before the claim;
 * - retry: not delivered for a transient reason (5xx, network before the request was written):
 *   retried with backoff on the retry budget.
 */
export type DeliveryOutcome =
  | { readonly kind: "settled"; readonly status: "sent" | "failed" | "suppressed" | "uncertain" | "skipped" }
  | { readonly kind: "wait"; readonly untilMs: number; readonly reason: string }
  | { readonly kind: "retry"; readonly error: string };

/** A send's outcome as the row must record it. */
export type SendOutcome =
  | { readonly status: "sent"; readonly providerMessageId: string | null }
  | { readonly status: "retry" | "failed" | "uncertain"; readonly error: string };

export interface OutcomeMemory {
  /** What an earlier run of this job learned from its send and could not record, or null. */
  readonly recalled: SendOutcome | null;
  remember(outcome: SendOutcome): Promise<void>;
}

/** The send happened (or failed in a known way) but PostgreSQL would not take the outcome. */
export class OutcomeNotRecordedError extends Error {
  readonly code = "OUTCOME_NOT_RECORDED";
  constructor(outcome: SendOutcome, cause: unknown) {
    super(
      `the delivery was ${outcome.status} but the database could not record it: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "OutcomeNotRecordedError";
  }
}

/** Rate-limit waits up to this long are slept in the job; longer ones move the job to the delayed set. */
const LOCAL_WAIT_MAX_MS = 250;

/**
 * One delivery job: one (alert or digest, subscriber, channel). Quiet hours, a pause and the
 * throttle come first, then a slot of the shared rate limiter, and only then the claim and the
 * send: a worker killed while waiting holds no claim.
 */
export async function deliver(
  payload: JobPayload<"deliveries">,
  deps: DeliveryDependencies,
  stop?: AbortSignal,
): Promise<DeliveryOutcome> {
  const ledger = ledgerOf(deps);
  const context = await ledger.context(payload.deliveryId);
  if (context === undefined) return { kind: "settled", status: "skipped" };
  const logger = deps.logger.child({
    deliveryId: context.id,
    subscriberId: context.recipient.id,
    channel: context.channel,
  });
  if (context.status === "sending") {
    const recalled = deps.outcomeMemory?.recalled ?? null;
    if (recalled !== null) {
      // An earlier run knew how its send ended; only the write was lost. Record what it knew.
      await writeOutcome(deps, context.id, recalled);
      logger.info({ status: recalled.status }, "recorded the outcome an earlier run could not write");
      // Not delivered: the next run (after the backoff) sends it.
      if (recalled.status === "retry") return { kind: "retry", error: recalled.error };
      return { kind: "settled", status: recalled.status };
    }
    // A delivery job runs once at a time: the run that claimed it died before recording the outcome.
    const claim = await ledger.claim(context.id);
    if (claim === "uncertain")
      logger.warn("an earlier attempt died mid-send; recorded uncertain, not resent");
    return { kind: "settled", status: "skipped" };
  }
  if (context.status !== "queued" && context.status !== "retry")
    return { kind: "settled", status: "skipped" };
  if (!context.recipient.isActive) {
    await markDeliveryUnsent(
      deps.db,
      context.id,
      "failed",
      `subscriber deactivated${context.recipient.deactivatedReason === null ? "" : `: ${context.recipient.deactivatedReason}`}`,
    );
    return { kind: "settled", status: "failed" };
  }
  if (!isChannel(context.channel)) {
    await markDeliveryUnsent(deps.db, context.id, "failed", `unknown channel ${context.channel}`);
    return { kind: "settled", status: "failed" };
  }
  const channel = context.channel;
  const sender = deps.senders.get(channel);
  if (sender === undefined) {
    return { kind: "retry", error: `the ${channel} channel is not configured in this worker` };
  }
  const now = deps.now ?? Date.now;
  const quietFor = quietHoursDelayMs(context.recipient.quietHours, now());
  if (quietFor > 0) return { kind: "wait", untilMs: now() + quietFor, reason: "quiet hours" };
  const pausedUntil = context.recipient.pausedUntil?.getTime() ?? 0;
  if (pausedUntil > now()) return { kind: "wait", untilMs: pausedUntil, reason: "paused by the subscriber" };

  const priority = context.subject.kind === "alert" ? context.subject.priority : "DIGEST";
  const labels = { channel, priority };
  const message = await renderMessage(context, deps, logger);
  if (context.subject.kind === "alert") {
    const throttled = await throttleReason(context, deps, now());
    if (throttled !== null) {
      if (!(await suppressDelivery(deps.db, context.id, throttled)))
        return { kind: "settled", status: "skipped" };
      deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "suppressed" });
      logger.info({ reason: throttled }, "delivery suppressed");
      return { kind: "settled", status: "suppressed" };
    }
  }

  // Before the pacing slot and the claim: drawing takes tens of ms, and a cached chart none.
  const chart =
    context.subject.kind === "alert" ? await deps.charts?.imageFor(context.subject.signalId) : null;
  const pacing = deps.pacing(channel);
  // A HIGH alert may spend the burst the limits allow; digests and the rest keep the even pace.
  const urgent = priority === "HIGH";
  const slot = await waitForSlot(deps.limiter, pacing, context.recipient.address, urgent, stop);
  if (slot.kind !== "slot") return slot;
  if (stop?.aborted === true) return { kind: "wait", untilMs: Date.now(), reason: "worker shutting down" };

  const claim = await ledger.claim(context.id);
  if (claim !== "claimed") return { kind: "settled", status: "skipped" };
  deps.metrics.alertDeliveryAttempts.inc(labels);
  let receipt: { readonly providerMessageId: string | null };
  try {
    // The claim took its time: the send leaves now, and the receiver counts its arrival.
    receipt = await sendInWindow(
      deps.limiter,
      slot.booking,
      () =>
        sender.send(
          { subscriberId: context.recipient.id, address: context.recipient.address },
          chart == null ? message : { ...message, image: chart },
          {
            key: `vpa-delivery-${context.id}`,
            ...(deps.sendSignal === undefined ? {} : { signal: deps.sendSignal }),
          },
        ),
      (err) => logger.debug({ err }, "departure or answer not recorded in the rate limiter"),
    );
  } catch (error) {
    return recordFailure(error, context, pacing, labels, deps, logger);
  }
  // Delivered: from here on nothing may turn this into a resend.
  await recordOutcome(deps, context.id, { status: "sent", providerMessageId: receipt.providerMessageId });
  deps.metrics.alertsSent.inc(labels);
  return { kind: "settled", status: "sent" };
}

function ledgerOf(deps: DeliveryDependencies): DeliveryLedger {
  return deps.ledger ?? sharedDeliveryLedger(deps.db);
}

const OUTCOME_WRITE_ATTEMPTS = 3;

/**
 * Writes a send's outcome, riding out a short database blip (a few tries over ~1 s). If the
 * database stays away, the outcome is kept in the job (outcomeMemory) and the job fails to be
 * retried: its next run records the outcome it finds there, and sends nothing.
 */
async function recordOutcome(deps: DeliveryDependencies, id: number, outcome: SendOutcome): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < OUTCOME_WRITE_ATTEMPTS; attempt++) {
    try {
      await writeOutcome(deps, id, outcome);
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 150 * 2 ** attempt));
    }
  }
  await deps.outcomeMemory?.remember(outcome).catch(() => {
    // Redis is away too: the next run finds the claim and records it uncertain, never resends.
  });
  throw new OutcomeNotRecordedError(outcome, lastError);
}

function writeOutcome(deps: DeliveryDependencies, id: number, outcome: SendOutcome): Promise<void> {
  return outcome.status === "sent"
    ? ledgerOf(deps).markSent(id, outcome.providerMessageId)
    : markDeliveryUnsent(deps.db, id, outcome.status, outcome.error);
}

async function renderMessage(
  context: DeliveryContext,
  deps: DeliveryDependencies,
  logger: Logger,
): Promise<RenderedMessage> {
  const language = context.recipient.language ?? deps.defaultLanguage;
  if (context.subject.kind === "digest") {
    const items = context.subject.items as DigestItem[];
    const evidence = await lookUpEvidence(items.map(evidenceSubjectOfDigestItem), deps, logger);
    const portfolios = await lookUpPortfolioDays(deps, logger);
    return renderDigest({ items, total: context.subject.total, portfolios }, language, evidence);
  }
  const signal = await ledgerOf(deps).signal(context.subject.signalId);
  if (signal === undefined) throw new AlertSignalDeletedError(context.subject.signalId);
  const evidence = await lookUpEvidence([evidenceSubjectOfSignal(signal)], deps, logger);
  return renderAlert(alertContentOf(signal), language, evidence?.[0]);
}

/**
 * The subjects' evidence, or none when it cannot be read: the alert matters more than its
 * evidence line, so a failing lookup is logged and the message goes without it.
 */
async function lookUpEvidence(
  subjects: readonly EvidenceSubject[],
  deps: DeliveryDependencies,
  logger: Logger,
): Promise<SignalEvidence[] | undefined> {
  try {
    return await (deps.evidence ?? sharedEvidenceLookup(deps.db)).evidenceFor(subjects);
  } catch (err) {
    logger.warn({ err }, "could not read the track record's evidence; sending without it");
    return undefined;
  }
}

/** The portfolio lines of a digest, or none when they cannot be read (logged): the digest matters more. */
async function lookUpPortfolioDays(
  deps: DeliveryDependencies,
  logger: Logger,
): Promise<readonly PortfolioDay[]> {
  try {
    return await (deps.portfolioDays ?? sharedPortfolioDayLookup(deps.db)).portfolioDays();
  } catch (err) {
    logger.warn({ err }, "could not read the paper portfolios; the digest goes without their line");
    return [];
  }
}

/** Waits (briefly) for a slot of every limit; returns a `wait` outcome when it is far off or the worker stops. */
async function waitForSlot(
  limiter: DeliveryRateLimiter,
  pacing: ChannelPacing,
  address: string,
  urgent: boolean,
  stop: AbortSignal | undefined,
): Promise<DeliveryOutcome | { readonly kind: "slot"; readonly booking?: RateBooking }> {
  const limits = pacing.limits(address, urgent);
  if (limits.length === 0 && pacing.pause === null) return { kind: "slot" };
  for (;;) {
    const decision = await limiter.tryAcquire(limits, pacing.pause);
    if (decision.allowed)
      return decision.booking === undefined ? { kind: "slot" } : { kind: "slot", booking: decision.booking };
    if (decision.waitMs > LOCAL_WAIT_MAX_MS || stop?.aborted === true) {
      return {
        kind: "wait",
        untilMs: Date.now() + decision.waitMs,
        reason: `rate limit (${decision.heldBy})`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, decision.waitMs));
  }
}

/** Records a failed send: the error's type says which state the delivery moves to. */
async function recordFailure(
  error: unknown,
  context: DeliveryContext,
  pacing: ChannelPacing,
  labels: { channel: string; priority: string },
  deps: DeliveryDependencies,
  logger: Logger,
): Promise<DeliveryOutcome> {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (error instanceof DeliveryRateLimitedError) {
    // The provider's limit is per bot (or per sending host): every worker pauses, not this chat.
    if (pacing.pause !== null) await deps.limiter.pause(pacing.pause, error.retryAfterMs);
    await recordOutcome(deps, context.id, { status: "retry", error: reason });
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "rate_limited" });
    logger.warn({ retryAfterMs: error.retryAfterMs }, "rate limited by the provider; every worker pauses");
    return { kind: "wait", untilMs: Date.now() + error.retryAfterMs, reason: "provider asked to wait" };
  }
  if (error instanceof DeliveryOutcomeUnknownError) {
    await recordOutcome(deps, context.id, { status: "uncertain", error: reason });
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "uncertain" });
    logger.warn({ err: error }, "no answer after the send: recorded uncertain, not resent");
    return { kind: "settled", status: "uncertain" };
  }
  if (error instanceof RecipientUnreachableError) {
    await recordOutcome(deps, context.id, { status: "failed", error: reason });
    await deactivateSubscriber(deps.db, context.recipient.id, reason);
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "unreachable" });
    logger.warn({ err: error }, "recipient unreachable; subscriber deactivated");
    return { kind: "settled", status: "failed" };
  }
  if (error instanceof DeliveryFailedError && error.permanent) {
    await recordOutcome(deps, context.id, { status: "failed", error: reason });
    deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "permanent" });
    logger.error({ err: error }, "delivery failed permanently");
    return { kind: "settled", status: "failed" };
  }
  // Transient (5xx, network before the request was written): not delivered; try again later.
  await recordOutcome(deps, context.id, { status: "retry", error: reason });
  deps.metrics.alertDeliveriesFailed.inc({ ...labels, reason: "transient" });
  logger.warn({ err: error }, "delivery failed; will retry");
  return { kind: "retry", error: reason };
}

async function throttleReason(
  context: DeliveryContext,
  deps: DeliveryDependencies,
  now: number,
): Promise<string | null> {
  const { throttle } = deps;
  if (context.subject.kind !== "alert" || !throttleEnabled(throttle)) return null;
  const state = await ledgerOf(deps).throttleState({
    subscriberId: context.recipient.id,
    channel: context.channel,
    signalId: context.subject.signalId,
    cooldownMs: throttle.cooldownMs,
    capSince: capWindowStart(now),
  });
  return throttleVerdict(throttle, state);
}
