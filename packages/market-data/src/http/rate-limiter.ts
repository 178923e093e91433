import type { Clock } from "./clock.ts";

/**
 * Spaces request starts at least `1000 / requestsPerSecond` ms apart (no bursts: data providers
 * throttle per connection-second, and an even pace never trips them).
 *
 * {@link reserveRequestSlot} is the pure scheduling rule; {@link createRateLimiter} waits on a clock.
 */
export interface RateSchedule {
  /** Earliest start of the next request (epoch ms). */
  readonly nextSlotAt: number;
}

/**
 * The start time granted to a request asking at `nowMs`, and the schedule after it.
 *
 * @example
 * reserveRequestSlot({ nextSlotAt: 0 }, 1000, 200);   // { startAt: 1000, schedule: { nextSlotAt: 1200 } }
 * reserveRequestSlot({ nextSlotAt: 1200 }, 1000, 200); // { startAt: 1200, schedule: { nextSlotAt: 1400 } }
 */
export function reserveRequestSlot(
  schedule: RateSchedule,
  nowMs: number,
  intervalMs: number,
): { readonly startAt: number; readonly schedule: RateSchedule } {
  const startAt = Math.max(nowMs, schedule.nextSlotAt);
  return { startAt, schedule: { nextSlotAt: startAt + intervalMs } };
}

export interface RateLimiter {
  /** Resolves when this request may start. */
  wait(signal?: AbortSignal): Promise<void>;
}

export function createRateLimiter(requestsPerSecond: number, clock: Clock): RateLimiter {
  if (!(requestsPerSecond > 0)) throw new RangeError(`requestsPerSecond must be > 0: ${requestsPerSecond}`);
  const intervalMs = 1000 / requestsPerSecond;
  let schedule: RateSchedule = { nextSlotAt: Number.NEGATIVE_INFINITY };
  return {
    async wait(signal) {
      const reserved = reserveRequestSlot(schedule, clock.now(), intervalMs);
      schedule = reserved.schedule;
      await clock.sleep(reserved.startAt - clock.now(), signal);
    },
  };
}
