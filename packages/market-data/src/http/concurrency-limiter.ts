/**
 * At most `limit` holders at a time; the others wait in arrival order (FIFO, so no request starves).
 *
 * @example
 * const limiter = createConcurrencyLimiter(4);
 * const release = await limiter.acquire(signal);
 * try { await send(); } finally { release(); }
 */
export interface ConcurrencyLimiter {
  /** Waits for a slot; the returned function frees it (calling it twice frees it once). */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Holders now. */
  active(): number;
}

export function createConcurrencyLimiter(limit: number): ConcurrencyLimiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be ≥ 1: ${limit}`);
  let active = 0;
  const waiting: Array<() => void> = [];

  const releaser = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiting.shift();
      // Hand the slot straight to the next waiter: `active` stays the same.
      if (next !== undefined) next();
      else active -= 1;
    };
  };

  return {
    active: () => active,
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (active < limit) {
        active += 1;
        return Promise.resolve(releaser());
      }
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          const index = waiting.indexOf(grant);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal?.reason);
        };
        const grant = (): void => {
          signal?.removeEventListener("abort", onAbort);
          resolve(releaser());
        };
        waiting.push(grant);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
