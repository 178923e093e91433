import type { Job } from "bullmq";
import { DelayedError, UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import {
  applyRetryBudget,
  budgetedBackoffDelay,
  RETRY_BACKOFF_MAX_MS,
  RetryBudgetExhaustedError,
  unrecoverable,
} from "./job-retry-policy.ts";

/** The two members of a BullMQ job the policy uses. */
function fakeJob(data: Record<string, unknown>) {
  const updates: Record<string, unknown>[] = [];
  const job = {
    data,
    async updateData(next: Record<string, unknown>) {
      updates.push(next);
      job.data = next;
    },
  };
  return { job: job as unknown as Job, updates, current: () => job.data };
}

describe("job retry policy", () => {
  it("doubles the backoff from 1 s, caps it at a minute, with ±50 % jitter", () => {
    expect(budgetedBackoffDelay(1, () => 0.5)).toBe(1_000);
    expect(budgetedBackoffDelay(2, () => 0.5)).toBe(2_000);
    expect(budgetedBackoffDelay(5, () => 0.5)).toBe(16_000);
    expect(budgetedBackoffDelay(40, () => 0.5)).toBe(RETRY_BACKOFF_MAX_MS);
    expect(budgetedBackoffDelay(3, () => 0)).toBe(2_000);
    expect(budgetedBackoffDelay(3, () => 0.999_999)).toBe(6_000);
  });

  it("retries within the budget, remembering the first failure once, and gives up past it with the real cause", async () => {
    const { job, updates } = fakeJob({ signalId: 7 });
    const cause = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    expect(await applyRetryBudget(cause, job, 60_000, 1_000_000)).toBe(cause);
    expect(updates).toEqual([{ signalId: 7, _firstFailedAt: 1_000_000 }]);
    expect(await applyRetryBudget(cause, job, 60_000, 1_059_999)).toBe(cause);
    expect(updates).toHaveLength(1);
    const final = await applyRetryBudget(cause, job, 60_000, 1_060_000);
    expect(final).toBeInstanceOf(RetryBudgetExhaustedError);
    expect(final).toBeInstanceOf(UnrecoverableError);
    expect((final as Error).message).toBe(
      "gave up after 1 min of retries: connect ECONNREFUSED 127.0.0.1:5432",
    );
    expect((final as Error).cause).toBe(cause);
  });

  it("lets BullMQ's control-flow errors through untouched", async () => {
    const { job, updates } = fakeJob({ _firstFailedAt: 0 });
    const delayed = new DelayedError();
    const unrecoverableError = new UnrecoverableError("bad payload");
    expect(await applyRetryBudget(delayed, job, 1, 10_000)).toBe(delayed);
    expect(await applyRetryBudget(unrecoverableError, job, 1, 10_000)).toBe(unrecoverableError);
    expect(updates).toHaveLength(0);
  });

  it("keeps an error's code, message and cause when it ends a job", () => {
    class CodedError extends Error {
      readonly code = "SIGNAL_NOT_FOUND";
    }
    const original = new CodedError("signal 9 does not exist");
    const wrapped = unrecoverable(original);
    expect(wrapped).toBeInstanceOf(UnrecoverableError);
    expect(wrapped.message).toBe("signal 9 does not exist");
    expect(wrapped.cause).toBe(original);
    expect((wrapped as unknown as { code: string }).code).toBe("SIGNAL_NOT_FOUND");
  });
});
