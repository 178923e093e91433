import { createConcurrencyLimiter } from "@vpa/market-data/concurrency-limiter";

/**
 * At most `limit` of the calls run at once; the others wait in order (market-data's FIFO
 * limiter, as a wrapper around a task). A burst asks for the same resource at once: the live
 * stream's commits (a whole market's minute, one chain per symbol) for PostgreSQL connections,
 * whose waiters past the pool's timeout fail and retry (bench/live saw it at 1,681 symbols); a bar
 * close's alert charts for two cores.
 *
 * @example
 * const limit = createConcurrencyLimit(8);
 * await limit(() => upsertBars(db, stockId, "1m", bars));
 * @throws RangeError for a limit that is not a positive integer.
 */
export type ConcurrencyLimit = <T>(task: () => Promise<T>) => Promise<T>;

export function createConcurrencyLimit(limit: number): ConcurrencyLimit {
  const limiter = createConcurrencyLimiter(limit);
  return async <T>(task: () => Promise<T>): Promise<T> => {
    const release = await limiter.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  };
}
