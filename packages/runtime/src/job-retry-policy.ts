import { backoffDelayMs } from "@vpa/market-data/backoff-delay";
import {
  DelayedError,
  type Job,
  RateLimitError,
  UnrecoverableError,
  WaitingChildrenError,
  WaitingError,
} from "bullmq";

/**
 * How failing jobs are retried: by a budget of time, not a count of attempts. A job that throws
 * is tried again after 1 s, 2 s, 4 s … (capped at a minute, ±50 % jitter) until it has been
 * failing for `retryBudgetMs` (JOB_RETRY_BUDGET_MINUTES, default 30): an outage of Redis or
 * PostgreSQL shorter than that loses no work, whatever the number of attempts it cost. Past the
 * budget the job fails for good with `RetryBudgetExhaustedError`, which names the real cause.
 */
export const DEFAULT_RETRY_BUDGET_MS = 30 * 60_000;
export const RETRY_BACKOFF_BASE_MS = 1_000;
export const RETRY_BACKOFF_MAX_MS = 60_000;
/** BullMQ's backoff type name for {@link budgetedBackoffDelay}; registered by `createWorker`. */
export const BUDGETED_BACKOFF_TYPE = "budgeted";
/**
 * A bound on attempts only so that a job can never retry forever should the clock misbehave; the
 * budget ends retries long before (30 min at one attempt a minute is ~40 attempts).
 */
export const MAX_ATTEMPTS = 10_000;
/**
 * A killed worker's active job is "stalled" and retried by another worker; BullMQ fails it for good
 * after `maxStalledCount` stalls (default 1), which took untried recipients with it under repeated
 * kills. 20 rides out a crash loop of a few minutes; the alert sweeper covers the rest.
 */
export const MAX_STALLED_COUNT = 20;

/** The job-data field that holds when the job first failed (ms since the epoch). */
const FIRST_FAILED_AT = "_firstFailedAt";

export class RetryBudgetExhaustedError extends UnrecoverableError {
  readonly code = "RETRY_BUDGET_EXHAUSTED";
  constructor(minutes: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`gave up after ${minutes} min of retries: ${reason}`);
    this.name = "RetryBudgetExhaustedError";
    this.cause = cause;
  }
}

/** Keeps an error's message, code and cause when it must end the job without retries. */
export function unrecoverable(error: unknown): UnrecoverableError {
  if (error instanceof UnrecoverableError) return error;
  const wrapped = new UnrecoverableError(error instanceof Error ? error.message : String(error));
  wrapped.cause = error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") Object.defineProperty(wrapped, "code", { value: code, enumerable: true });
  return wrapped;
}

/**
 * The delay before attempt `attemptsMade + 1`: the project's one capped exponential backoff
 * (market-data's backoff-delay.ts, 1 s doubling to a minute), spread ±50 % around it so that jobs
 * failing together (an outage) do not come back together.
 */
export function budgetedBackoffDelay(attemptsMade: number, random: () => number = Math.random): number {
  const retry = Math.min(Math.max(attemptsMade - 1, 0), 30);
  const delay = backoffDelayMs(
    retry,
    { baseMs: RETRY_BACKOFF_BASE_MS, maxMs: RETRY_BACKOFF_MAX_MS, jitter: 0 },
    random,
  );
  return Math.round(delay * (0.5 + random()));
}

/** Errors BullMQ uses for control flow: they pass through untouched. */
function isControlFlow(error: unknown): boolean {
  return (
    error instanceof UnrecoverableError ||
    error instanceof DelayedError ||
    error instanceof WaitingError ||
    error instanceof WaitingChildrenError ||
    error instanceof RateLimitError
  );
}

/**
 * Decides what a processor's error does to the job: the same error (retry, after the backoff)
 * while within the budget, a `RetryBudgetExhaustedError` past it. Remembers the first failure in
 * the job's data (one Redis write, on the first failure only).
 */
export async function applyRetryBudget(
  error: unknown,
  job: Job,
  retryBudgetMs: number,
  now: number = Date.now(),
): Promise<unknown> {
  if (isControlFlow(error)) return error;
  const recorded = (job.data as Record<string, unknown> | null)?.[FIRST_FAILED_AT];
  const firstFailedAt = typeof recorded === "number" ? recorded : now;
  if (now - firstFailedAt >= retryBudgetMs) {
    return new RetryBudgetExhaustedError(Math.round(retryBudgetMs / 60_000), error);
  }
  if (typeof recorded !== "number") {
    await job.updateData({ ...(job.data as object), [FIRST_FAILED_AT]: now }).catch(() => {
      // Redis is away: the job cannot be moved either; it stalls and is retried, budget unchanged.
    });
  }
  return error;
}
