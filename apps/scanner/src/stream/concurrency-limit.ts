/**
 * At most `limit` of the calls run at once; the others wait in order. The live stream's commits
 * arrive as a burst (a whole market's minute at once, one chain per symbol): without a limit
 * every chain asks the PostgreSQL pool for a connection at the same moment, and those that wait
 * longer than the pool's connection timeout fail and retry (bench/live saw it at 1,681 symbols).
 *
 * @example
 * const limit = createConcurrencyLimit(8);
 * await limit(() => upsertBars(db, stockId, "1m", bars));
 */
export type ConcurrencyLimit = <T>(task: () => Promise<T>) => Promise<T>;

export function createConcurrencyLimit(limit: number): ConcurrencyLimit {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
