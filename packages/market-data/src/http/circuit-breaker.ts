/**
 * A circuit breaker as a pure state machine over an injected clock (no timers).
 *
 * - **closed**: requests pass; `failureThreshold` consecutive failed requests open it.
 * - **open**: requests fail fast (the server is not touched) until `openMs` has passed.
 * - **half-open**: exactly one trial request passes; its success closes the breaker, its failure
 *   opens it again for another `openMs`. Other requests fail fast while the trial is in flight.
 *
 * "A failed request" is a logical request that failed after all its retries: the breaker measures
 * whether the provider is available, not single attempts.
 */
export const CIRCUIT_STATES = ["closed", "open", "half-open"] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

export interface CircuitBreakerOptions {
  /** Consecutive failed requests that open the breaker. Default 5. */
  readonly failureThreshold: number;
  /** How long the breaker stays open before it lets one trial request through (ms). Default 30 s. */
  readonly openMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = { failureThreshold: 5, openMs: 30_000 };

/** What `acquire` decided: pass (maybe as the half-open trial) or fail fast. */
export type CircuitPermit =
  | { readonly allowed: true; readonly trial: boolean }
  | { readonly allowed: false; readonly retryInMs: number };

export interface CircuitBreaker {
  /** The state now (an open breaker whose time is up reads as half-open). */
  state(): CircuitState;
  /** Asks to send a request. A permit with `allowed: true` MUST be settled with success or failure. */
  acquire(): CircuitPermit;
  recordSuccess(): void;
  recordFailure(): void;
  /** Gives a permit back without a verdict (the caller aborted): a trial slot is freed. */
  release(permit: CircuitPermit): void;
}

export function createCircuitBreaker(
  options: CircuitBreakerOptions,
  now: () => number,
  onStateChange: (state: CircuitState) => void = () => {},
): CircuitBreaker {
  let state: CircuitState = "closed";
  let consecutiveFailures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const moveTo = (next: CircuitState): void => {
    if (next === state) return;
    state = next;
    onStateChange(next);
  };
  const refresh = (): void => {
    if (state === "open" && now() - openedAt >= options.openMs) moveTo("half-open");
  };
  const open = (): void => {
    openedAt = now();
    trialInFlight = false;
    moveTo("open");
  };

  return {
    state() {
      refresh();
      return state;
    },
    acquire() {
      refresh();
      if (state === "closed") return { allowed: true, trial: false };
      if (state === "half-open" && !trialInFlight) {
        trialInFlight = true;
        return { allowed: true, trial: true };
      }
      const retryInMs = state === "open" ? Math.max(0, openedAt + options.openMs - now()) : 0;
      return { allowed: false, retryInMs };
    },
    recordSuccess() {
      consecutiveFailures = 0;
      trialInFlight = false;
      moveTo("closed");
    },
    recordFailure() {
      refresh();
      if (state === "half-open") {
        open();
        return;
      }
      if (state === "open") return;
      consecutiveFailures += 1;
      if (consecutiveFailures >= options.failureThreshold) {
        consecutiveFailures = 0;
        open();
      }
    },
    release(permit) {
      if (permit.allowed && permit.trial) trialInFlight = false;
    },
  };
}
