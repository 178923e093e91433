import { type Database, findSignal, type SignalView, settleAlert, startAlertFanOut } from "@vpa/db";
import { DELIVERY_JOB_PRIORITY, deliveryJobId, type JobPayload, type TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";
import { type AlertContent, renderAlert } from "./render/render-alert.ts";

export interface FanOutDependencies {
  readonly db: Kysely<Database>;
  readonly deliveriesQueue: TypedQueue<"deliveries">;
  /**
   * Starts drawing (and caching) the chart of a signal that goes out at once, while the fan-out
   * does its own work: its delivery jobs then find it drawn or in flight (chart/alert-charts.ts).
   * Must not throw; not awaited.
   */
  readonly warmChart?: (signalId: number) => void;
}

export interface FanOutResult {
  readonly alertId: number;
  readonly signalId: number;
  /** Every subscriber and channel the signal matches. */
  readonly recipients: number;
  /** Of them, those who get it at once (HIGH, instant mode, or no scan digest to wait for). */
  readonly instant: number;
  /** Delivery jobs enqueued (owed deliveries; ids dedupe a re-run). */
  readonly deliveryJobIds: string[];
}

export class SignalNotFoundError extends Error {
  readonly code = "SIGNAL_NOT_FOUND";
  constructor(signalId: number) {
    super(`signal ${signalId} does not exist (deleted since the alert was queued)`);
    this.name = "SignalNotFoundError";
  }
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

const ENQUEUE_BATCH = 1_000;

/**
 * One alert job: the fan-out of one signal (docs/delivery.md). Finds every subscriber the signal
 * matches; those who get it now (a HIGH alert, a subscriber in instant mode, or an alert no scan
 * digest will gather) each get a `queued` delivery row and a delivery job; the rest read it in
 * their digest of the scan. Then the alert is `done`: its deliveries carry on without it.
 * Re-running it adds nothing twice (rows and job ids are unique).
 */
export async function fanOutAlert(
  payload: JobPayload<"alerts">,
  deps: FanOutDependencies,
): Promise<FanOutResult> {
  const signal = await findSignal(deps.db, payload.signalId);
  if (signal === undefined) throw new SignalNotFoundError(payload.signalId);
  // A HIGH alert goes out with its chart to someone almost always: draw it beside the fan-out.
  if (signal.priority === "HIGH") deps.warmChart?.(signal.id);
  const { alert, recipients, instant, owed } = await startAlertFanOut(deps.db, {
    signalId: signal.id,
    priority: signal.priority,
    // The ledger's copy, read by operators (`vpa alerts`): English; subscribers get their own language.
    message: renderAlert(alertContentOf(signal), "en").text,
    match: { symbol: signal.symbol, type: signal.type, score: signal.score },
    // HIGH goes to everyone now; the rest wait for the scan's digest unless in instant mode.
    everyoneNow: signal.priority === "HIGH",
  });
  if (alert.state !== "pending") {
    return { alertId: alert.id, signalId: signal.id, recipients: 0, instant: 0, deliveryJobIds: [] };
  }
  // Any other alert only when someone gets it now: a live stream's minute stores dozens of signals
  // a second that nobody subscribed to, and drawing each (~20-50 ms) starved the HIGH ones.
  if (signal.priority !== "HIGH" && instant > 0) deps.warmChart?.(signal.id);
  const jobs = owed.map((delivery) => ({
    payload: { deliveryId: delivery.id },
    jobId: deliveryJobId({ deliveryId: delivery.id }),
    priority: DELIVERY_JOB_PRIORITY[signal.priority],
  }));
  for (let i = 0; i < jobs.length; i += ENQUEUE_BATCH) {
    await deps.deliveriesQueue.addBulk(jobs.slice(i, i + ENQUEUE_BATCH));
  }
  await settleAlert(deps.db, alert.id, "done");
  return {
    alertId: alert.id,
    signalId: signal.id,
    recipients,
    instant,
    deliveryJobIds: jobs.map((job) => job.jobId),
  };
}
