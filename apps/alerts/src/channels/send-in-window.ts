import type { RateBooking } from "@vpa/runtime";

/** The part of the shared limiter (runtime's RedisRateLimiter) that follows a booked send. */
export interface SendMarks {
  /** The booked send leaves now: its windows count it as arriving any moment until answered. */
  departed?(booking: RateBooking): Promise<void>;
  /** The receiver answered it: its windows count it from now. */
  answered?(booking: RateBooking): Promise<void>;
}

/**
 * Runs a booked send's request with its departure and its answer marked in the limiter's windows
 * (Telegram counts arrivals: a send counts as arriving any moment until it is answered, then from
 * its answer; RateLimit.window). Neither mark is awaited: the request must not wait for Redis (the
 * marks go in order on the limiter's one connection). A lost departure leaves the send counted
 * from its booking, a lost answer holds its place for IN_FLIGHT_HOLD_MS; `onMarkError` hears of it.
 */
export async function sendInWindow<T>(
  marks: SendMarks,
  booking: RateBooking | undefined,
  request: () => Promise<T>,
  onMarkError: (err: unknown) => void,
): Promise<T> {
  if (booking === undefined) return request();
  marks.departed?.(booking).catch(onMarkError);
  try {
    return await request();
  } finally {
    marks.answered?.(booking).catch(onMarkError);
  }
}
