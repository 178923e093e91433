import {
  type Database,
  digestSubscriberPage,
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
  /** Subscribers whose digests are drafted, stored and enqueued at a time (default 1,000). */
  readonly pageSize?: number;
}

export type DigestOutcome =
  | { readonly kind: "waiting"; readonly unfinished: number }
  | { readonly kind: "built"; readonly digests: number; readonly deliveryJobIds: string[] }
  | { readonly kind: "skipped" };

/** A scan's analyze jobs normally finish in seconds; past this the digest goes out with what there is. */
export const DIGEST_MAX_WAIT_MS = 30 * 60_000;
/**
 * Subscribers per page of the build: one page's drafts, rows and jobs in memory at a time. At
 * 10,000 subscribers the whole build at once held over 128 MB of heap (bench/alerts).
 */
const DIGEST_PAGE = 1_000;

/**
 * The digest job of one scan (docs/delivery.md). While any analyze job of the scan has not
 * finished, it says so and the worker looks again in a moment (why not a BullMQ flow with the
 * scan as parent: a re-scan shares job ids with an earlier scan, and a flow child whose id
 * already exists never reports to the new parent; a list of job ids checked against the
 * finished sets survives restarts and dedupe alike). Then one digest per subscriber in digest
 * mode (its non-HIGH alerts of the scan, ranked) is stored with one queued delivery and a
 * delivery job, a page of subscribers at a time; the scan is `built`. Exactly once per (subscriber, scan): the digest and its
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
  // Page by page: a crash in between leaves the scan unbuilt and the next run redoes every page,
  // adding nothing twice (digests and their deliveries are unique per scan and subscriber).
  const pageSize = deps.pageSize ?? DIGEST_PAGE;
  const deliveryJobIds: string[] = [];
  let digestCount = 0;
  let after = 0;
  for (;;) {
    const page = await digestSubscriberPage(deps.db, after, pageSize);
    if (page.length === 0) break;
    after = page.at(-1) as number;
    const digests = await insertDigests(deps.db, scan.id, await draftDigests(deps.db, scan.id, page));
    const owed = await queueDigestDeliveries(deps.db, digests);
    const jobs = owed.map((delivery) => ({
      payload: { deliveryId: delivery.id },
      jobId: deliveryJobId({ deliveryId: delivery.id }),
      priority: DELIVERY_JOB_PRIORITY.DIGEST,
    }));
    if (jobs.length > 0) await deps.deliveriesQueue.addBulk(jobs);
    digestCount += digests.length;
    for (const job of jobs) deliveryJobIds.push(job.jobId);
  }
  await markScanBuilt(deps.db, scan.id);
  return { kind: "built", digests: digestCount, deliveryJobIds };
}
