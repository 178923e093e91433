import {
  type Database,
  draftDigests,
  findScan,
  insertDigests,
  markScanBuilt,
  queueDigestDeliveries,
} from "@vpa/db";
import { DELIVERY_JOB_PRIORITY, deliveryJobId, type JobPayload, type TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";

export interface DigestDependencies {
  readonly db: Kysely<Database>;
  readonly analyzeQueue: TypedQueue<"analyze">;
  readonly deliveriesQueue: TypedQueue<"deliveries">;
  /** Build the digests anyway once a scan is this old, even if some analyze job never finished. */
  readonly maxWaitMs?: number;
}

export type DigestOutcome =
  | { readonly kind: "waiting"; readonly unfinished: number }
  | { readonly kind: "built"; readonly digests: number; readonly deliveryJobIds: string[] }
  | { readonly kind: "skipped" };

/** A scan's analyze jobs normally finish in seconds; past this the digest goes out with what there is. */
export const DIGEST_MAX_WAIT_MS = 30 * 60_000;
const ENQUEUE_BATCH = 1_000;

/**
 * The digest job of one scan (docs/delivery.md). While any analyze job of the scan has not
 * finished, it says so and the worker looks again in a moment (why not a BullMQ flow with the
 * scan as parent: a re-scan shares job ids with an earlier scan, and a flow child whose id
 * already exists never reports to the new parent; a list of job ids checked against the
 * finished sets survives restarts and dedupe alike). Then one digest per subscriber in digest
 * mode (its non-HIGH alerts of the scan, ranked) is stored with one queued delivery and a
 * delivery job; the scan is `built`. Exactly once per (subscriber, scan): the digest and its
 * delivery row are unique, so a re-run adds nothing.
 */
export async function buildDigests(
  payload: JobPayload<"digests">,
  deps: DigestDependencies,
): Promise<DigestOutcome> {
  const scan = await findScan(deps.db, payload.scanId);
  if (scan === undefined || scan.digestState === "built") return { kind: "skipped" };
  const unfinished = await deps.analyzeQueue.countUnfinished(scan.analyzeJobIds);
  if (unfinished > 0 && Date.now() - scan.createdAt.getTime() < (deps.maxWaitMs ?? DIGEST_MAX_WAIT_MS)) {
    return { kind: "waiting", unfinished };
  }
  const drafts = await draftDigests(deps.db, scan.id);
  const digests = await insertDigests(deps.db, scan.id, drafts);
  const owed = await queueDigestDeliveries(deps.db, digests);
  const jobs = owed.map((delivery) => ({
    payload: { deliveryId: delivery.id },
    jobId: deliveryJobId({ deliveryId: delivery.id }),
    priority: DELIVERY_JOB_PRIORITY.DIGEST,
  }));
  for (let i = 0; i < jobs.length; i += ENQUEUE_BATCH) {
    await deps.deliveriesQueue.addBulk(jobs.slice(i, i + ENQUEUE_BATCH));
  }
  await markScanBuilt(deps.db, scan.id);
  return { kind: "built", digests: digests.length, deliveryJobIds: jobs.map((job) => job.jobId) };
}
