/**
 * Anti-spam rules, per subscriber and channel (TradingView stops an alert after 15 triggers in 3
 * minutes; we hold back instead of stopping): a signal of the same symbol and type for a bar
 * within `cooldownMs` of one already sent is not sent again (intraday bars repeat readings), and
 * past `maxPerHour` deliveries in the last hour the rest are suppressed. Suppressed is final and
 * visible in alert_deliveries; the signals stay queryable (`vpa signals`, /signals).
 *
 * Pure: the delivery job reads the counts (`findThrottleState`) for the window this module gives
 * and asks it for the verdict.
 */
export interface AlertThrottle {
  readonly cooldownMs: number;
  /** 0: no cap. */
  readonly maxPerHour: number;
}

/** The hourly cap counts the deliveries sent in the hour before now (ms). */
export const CAP_WINDOW_MS = 3_600_000;

/** The first instant whose sends count against the hourly cap at `now`: exactly an hour before. */
export function capWindowStart(now: number): Date {
  return new Date(now - CAP_WINDOW_MS);
}

/** What the store says about one subscriber, channel and signal. */
export interface ThrottleState {
  /** The same signal type on the same symbol was sent for a bar within the cooldown. */
  readonly inCooldown: boolean;
  /** Deliveries sent since {@link capWindowStart}. */
  readonly sentRecently: number;
}

/** Whether the rules apply at all (both off: nothing to read). */
export function throttleEnabled(throttle: AlertThrottle): boolean {
  return throttle.cooldownMs > 0 || throttle.maxPerHour > 0;
}

/** Why the alert is suppressed, in words stored with the delivery, or null to send it. */
export function throttleVerdict(throttle: AlertThrottle, state: ThrottleState): string | null {
  if (throttle.cooldownMs > 0 && state.inCooldown) {
    return `cooldown: the same signal on this symbol was sent for a bar within ${Math.round(throttle.cooldownMs / 60_000)} min`;
  }
  if (throttle.maxPerHour > 0 && state.sentRecently >= throttle.maxPerHour) {
    return `cap: ${state.sentRecently} alerts sent to this subscriber in the last hour (max ${throttle.maxPerHour})`;
  }
  return null;
}
