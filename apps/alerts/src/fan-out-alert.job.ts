import {
  type AlertFanOut,
  type AlertFanOutInput,
  type Database,
  FAN_OUT_OWED_PAGE,
  findOwedFanOutDeliveries,
  findSignals,
  type OwedFanOutDelivery,
  type SignalView,
  settleAlerts,
  startAlertFanOuts,
} from "@vpa/db";
import {
  createCoalescingBatcher,
  DELIVERY_JOB_PRIORITY,
  deliveryJobId,
  highDeliveryPriority,
  type JobPayload,
  type TypedQueue,
} from "@vpa/runtime";
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
  readonly warmChart?: (signal: SignalView) => void;
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
 * Alerts fanned out by one statement at most. A whole-market scan or a minute's close starts
 * dozens at once; each may owe thousands of deliveries (one row each), so a batch stays bounded.
 */
const FAN_OUT_BATCH = 32;

type DeliveryJob = { payload: { deliveryId: number }; jobId: string; priority: number };

/** A batch's writes, each answering per item: a failure of one item fails only its own job. */
type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/**
 * `write` for a whole batch; if the batch fails, each item again on its own, so one bad item
 * (a signal deleted meanwhile) fails its own job and not its neighbours'.
 */
function perItem<T, R>(write: (items: readonly T[]) => Promise<readonly R[]>) {
  return async (items: readonly T[]): Promise<Settled<R>[]> => {
    try {
      return (await write(items)).map((value) => ({ ok: true as const, value }));
    } catch (error) {
      if (items.length === 1) return [{ ok: false, error }];
      return Promise.all(
        items.map(async (item) => {
          try {
            const [value] = await write([item]);
            return { ok: true as const, value: value as R };
          } catch (itemError) {
            return { ok: false as const, error: itemError };
          }
        }),
      );
    }
  };
}

function unwrap<R>(settled: Settled<R>): R {
  if (!settled.ok) throw settled.error;
  return settled.value;
}

/**
 * The alert jobs' processor: one fan-out per job (docs/delivery.md), each job's reads and writes
 * coalesced with those of the jobs running beside it (`@vpa/runtime` coalescing-batcher): a bar
 * close starts dozens of alert jobs within milliseconds, and one statement per step for all of
 * them (find the signals, start their fan-outs, queue their deliveries, settle them) replaces a
 * statement per step per job, which queued each HIGH alert behind the others' round trips to a
 * PostgreSQL busy with the same close (bench/live). Each job still succeeds or fails on its own.
 */
export function createAlertFanOut(
  deps: FanOutDependencies,
): (payload: JobPayload<"alerts">) => Promise<FanOutResult> {
  const one = { weight: () => 1, maxWeight: FAN_OUT_BATCH };
  const signals = createCoalescingBatcher<number, SignalView | undefined>(
    (ids) => findSignals(deps.db, ids),
    one,
  );
  const starts = createCoalescingBatcher<AlertFanOutInput, Settled<AlertFanOut>>(
    perItem((inputs) => startAlertFanOuts(deps.db, inputs)),
    one,
  );
  const enqueues = createCoalescingBatcher<readonly DeliveryJob[], undefined>(
    async (lists) => {
      const jobs = lists.flat();
      for (let i = 0; i < jobs.length; i += ENQUEUE_BATCH) {
        await deps.deliveriesQueue.addBulk(jobs.slice(i, i + ENQUEUE_BATCH));
      }
      return undefined;
    },
    { weight: (jobs) => Math.max(1, jobs.length), maxWeight: ENQUEUE_BATCH },
  );
  const settles = createCoalescingBatcher<number, undefined>(async (alertIds) => {
    await settleAlerts(deps.db, alertIds, "done");
    return undefined;
  }, one);

  return async (payload) => {
    const signal = await signals.add(payload.signalId);
    if (signal === undefined) throw new SignalNotFoundError(payload.signalId);
    // A HIGH alert goes out with its chart to someone almost always: draw it beside the fan-out.
    if (signal.priority === "HIGH") deps.warmChart?.(signal);
    const { alert, recipients, instant, owed, owedTotal } = unwrap(
      await starts.add({
        signalId: signal.id,
        priority: signal.priority,
        // The ledger's copy, read by operators (`vpa alerts`): English; subscribers get their own language.
        message: renderAlert(alertContentOf(signal), "en").text,
        match: { symbol: signal.symbol, type: signal.type, score: signal.score },
        // HIGH goes to everyone now; the rest wait for the scan's digest unless in instant mode.
        everyoneNow: signal.priority === "HIGH",
      }),
    );
    if (alert.state !== "pending") {
      return { alertId: alert.id, signalId: signal.id, recipients: 0, instant: 0, deliveryJobIds: [] };
    }
    // Any other alert only when someone gets it now: a live stream's minute stores dozens of signals
    // a second that nobody subscribed to, and drawing each (~20-50 ms) starved the HIGH ones.
    if (signal.priority !== "HIGH" && instant > 0) deps.warmChart?.(signal);
    const jobOf = (delivery: OwedFanOutDelivery): DeliveryJob => ({
      payload: { deliveryId: delivery.id },
      jobId: deliveryJobId({ deliveryId: delivery.id }),
      priority:
        signal.priority === "HIGH"
          ? highDeliveryPriority(delivery.highOwedBefore)
          : DELIVERY_JOB_PRIORITY[signal.priority],
    });
    const deliveryJobIds: string[] = [];
    // A page at a time (FAN_OUT_OWED_PAGE): a whole market's subscribers never sit in one heap.
    let page = owed;
    for (let seen = 0; page.length > 0; ) {
      const jobs = page.map(jobOf);
      await enqueues.add(jobs);
      for (const job of jobs) deliveryJobIds.push(job.jobId);
      seen += page.length;
      if (seen >= owedTotal) break;
      page = await findOwedFanOutDeliveries(deps.db, {
        alertId: alert.id,
        high: signal.priority === "HIGH",
        afterId: page.at(-1)!.id,
        limit: FAN_OUT_OWED_PAGE,
      });
    }
    await settles.add(alert.id);
    return { alertId: alert.id, signalId: signal.id, recipients, instant, deliveryJobIds };
  };
}

/**
 * One alert job on its own: the fan-out of one signal (docs/delivery.md). Finds every subscriber
 * the signal matches; those who get it now (a HIGH alert, a subscriber in instant mode, or an
 * alert no scan digest will gather) each get a `queued` delivery row and a delivery job; the rest
 * read it in their digest of the scan. Then the alert is `done`: its deliveries carry on without
 * it. Re-running it adds nothing twice (rows and job ids are unique). The worker runs many at once
 * through {@link createAlertFanOut}.
 */
export async function fanOutAlert(
  payload: JobPayload<"alerts">,
  deps: FanOutDependencies,
): Promise<FanOutResult> {
  return createAlertFanOut(deps)(payload);
}
