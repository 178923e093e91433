import {
  type ClaimOutcome,
  claimDeliveries,
  type Database,
  type DeliveryContext,
  findSignals,
  findThrottleStates,
  loadDeliveryContexts,
  markDeliveriesSent,
  type SignalView,
  type ThrottleQuery,
  type ThrottleState,
} from "@vpa/db";
import { createCoalescingBatcher } from "@vpa/runtime";
import type { Kysely } from "kysely";

/**
 * The delivery ledger's statements as a delivery job makes them (docs/delivery.md), one request
 * per delivery. A live minute's close starts a burst of HIGH deliveries at once; each of their
 * five steps (read the row, read the signal, read the throttle's counts, claim, record the send)
 * is one statement for all the jobs running beside it, where it was one statement per job
 * (node-postgres and Kysely were 116 ms of the burst's busiest second on the worker's main
 * thread: BENCHMARKS.md, bench/live, session 10; the gain of sharing them alone was within
 * bench/live's spread, session 11).
 * Each delivery still gets its own answer: the batched statements decide every row as it would
 * be decided alone (the claim above all: `claimDeliveries`).
 */
export interface DeliveryLedger {
  context(deliveryId: number): Promise<DeliveryContext | undefined>;
  signal(signalId: number): Promise<SignalView | undefined>;
  throttleState(query: ThrottleQuery): Promise<ThrottleState>;
  /** queued | retry → sending, right before the send: the one way into `sending`. */
  claim(deliveryId: number): Promise<ClaimOutcome>;
  /** sending → sent. */
  markSent(deliveryId: number, providerMessageId: string | null): Promise<void>;
}

/** Requests gathered into one statement at most: a burst is bounded by the worker's concurrency. */
const BATCH = 64;

export function createDeliveryLedger(db: Kysely<Database>): DeliveryLedger {
  const one = { weight: () => 1, maxWeight: BATCH };
  const contexts = createCoalescingBatcher((ids: readonly number[]) => loadDeliveryContexts(db, ids), one);
  const signals = createCoalescingBatcher((ids: readonly number[]) => findSignals(db, ids), one);
  const throttles = createCoalescingBatcher(
    (queries: readonly ThrottleQuery[]) => findThrottleStates(db, queries),
    one,
  );
  const claims = createCoalescingBatcher((ids: readonly number[]) => claimDeliveries(db, ids), one);
  const sends = createCoalescingBatcher(
    async (items: readonly { readonly id: number; readonly providerMessageId: string | null }[]) => {
      await markDeliveriesSent(db, items);
      return undefined;
    },
    one,
  );
  return {
    context: (deliveryId) => contexts.add(deliveryId),
    signal: (signalId) => signals.add(signalId),
    throttleState: (query) => throttles.add(query),
    claim: (deliveryId) => claims.add(deliveryId),
    markSent: (deliveryId, providerMessageId) => sends.add({ id: deliveryId, providerMessageId }),
  };
}

const shared = new WeakMap<Kysely<Database>, DeliveryLedger>();

/** One ledger per database handle, so every delivery job of a process on it shares the bursts. */
export function sharedDeliveryLedger(db: Kysely<Database>): DeliveryLedger {
  let ledger = shared.get(db);
  if (ledger === undefined) {
    ledger = createDeliveryLedger(db);
    shared.set(db, ledger);
  }
  return ledger;
}
