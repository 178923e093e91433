import type { Database } from "@vpa/db";
import { createMetrics, type Logger, type RedisRateLimiter, type TypedQueue } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { Channel, ChannelSender } from "../../src/channels/channel.ts";
import { UNPACED } from "../../src/channels/channel-pacing.ts";
import { channelPacing } from "../../src/channels/channel-registry.ts";
import {
  type AlertThrottle,
  type DeliveryDependencies,
  type DeliveryOutcome,
  deliver,
} from "../../src/deliver.job.ts";
import { fanOutAlert } from "../../src/fan-out-alert.job.ts";

/** No provider limits: for tests about something else than pacing (which has its own). */
export { UNPACED };

export interface InlineFlowOptions {
  readonly db: Kysely<Database>;
  readonly senders: ReadonlyMap<Channel, ChannelSender>;
  readonly deliveriesQueue: TypedQueue<"deliveries">;
  readonly limiter: RedisRateLimiter;
  readonly logger: Logger;
  readonly throttle?: AlertThrottle;
  /** Default: no limits. `"real"`: the providers' limits each channel declares (channel-registry.ts). */
  readonly pacing?: "none" | "real";
  readonly now?: () => number;
}

/** The dependencies of one delivery job, as the worker builds them. */
export function deliveryDeps(options: InlineFlowOptions): DeliveryDependencies {
  return {
    db: options.db,
    senders: options.senders,
    limiter: options.limiter,
    pacing: (channel) =>
      options.pacing === "real" ? channelPacing(channel, { emailPerSecond: 0 }) : UNPACED,
    metrics: createMetrics({ collectProcessMetrics: false }),
    logger: options.logger,
    throttle: options.throttle ?? { cooldownMs: 0, maxPerHour: 0 },
    defaultLanguage: "vi",
    ...(options.now === undefined ? {} : { now: options.now }),
  };
}

/** The delivery ids a fan-out owes (from its job ids `deliver.<id>`). */
export function deliveryIdsOf(jobIds: readonly string[]): number[] {
  return jobIds.map((jobId) => Number(jobId.slice("deliver.".length)));
}

/**
 * One alert through its fan-out and then each delivery job, run inline in the test (the same
 * functions the workers run, against the real database and Redis), in recipient order.
 */
export async function fanOutAndDeliver(
  signalId: number,
  options: InlineFlowOptions,
): Promise<{ deliveryIds: number[]; outcomes: DeliveryOutcome[] }> {
  const fanned = await fanOutAlert(
    { signalId },
    { db: options.db, deliveriesQueue: options.deliveriesQueue },
  );
  const deliveryIds = deliveryIdsOf(fanned.deliveryJobIds);
  const deps = deliveryDeps(options);
  const outcomes: DeliveryOutcome[] = [];
  for (const deliveryId of deliveryIds) outcomes.push(await deliver({ deliveryId }, deps));
  return { deliveryIds, outcomes };
}

/** Counts outcomes by what a reader cares about: sent, suppressed, waiting, retry... */
export function tally(outcomes: readonly DeliveryOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.kind === "settled" ? outcome.status : outcome.kind;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
