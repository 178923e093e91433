import type { Redis } from "ioredis";

/**
 * A short mutual-exclusion lock in Redis: `SET key token PX ttl NX` to take it, and a script that
 * deletes the key only while it still holds this holder's token to release it. Releasing with a
 * GET and then a DEL is not safe: between the two the lock may expire and be taken by another
 * holder, whose lock the DEL would then remove. The script runs as one step in Redis.
 *
 * For work that takes well under the time to live (the scan schedules' upserts): nothing renews it.
 */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** What a lock needs of a client: a single server's or a cluster's (one key, one slot). */
export type RedisLockClient = Pick<Redis, "set" | "eval">;

/** Redis did not give the lock within the wait: another holder kept it. */
export class RedisLockTimeoutError extends Error {
  readonly code = "REDIS_LOCK_TIMEOUT";
  constructor(key: string, waitedMs: number) {
    super(`could not take the Redis lock ${key} within ${waitedMs} ms: another process holds it`);
    this.name = "RedisLockTimeoutError";
  }
}

export interface RedisLockOptions {
  /** How long the lock lives when its holder never releases it (crashed), in ms. */
  readonly ttlMs: number;
  /** How long to wait for a lock another holder has, in ms. @defaultValue 10,000 */
  readonly waitMs?: number;
  /** The pause between two tries, in ms. @defaultValue 200 */
  readonly retryMs?: number;
}

/** A lock taken: `release()` frees it if this holder still has it (true), else leaves it (false). */
export interface HeldRedisLock {
  release(): Promise<boolean>;
}

/**
 * Takes the lock `key`, waiting for another holder up to `waitMs`.
 *
 * @example
 * const lock = await acquireRedisLock(client, `${prefix}:schedules-lock`, { ttlMs: 10_000 });
 * try { await work(); } finally { await lock.release(); }
 * @throws RedisLockTimeoutError when another holder keeps it longer than `waitMs`.
 */
export async function acquireRedisLock(
  client: RedisLockClient,
  key: string,
  options: RedisLockOptions,
): Promise<HeldRedisLock> {
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const waitMs = options.waitMs ?? 10_000;
  const retryMs = options.retryMs ?? 200;
  const deadline = Date.now() + waitMs;
  while ((await client.set(key, token, "PX", options.ttlMs, "NX")) !== "OK") {
    if (Date.now() >= deadline) throw new RedisLockTimeoutError(key, waitMs);
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  return { release: async () => (await client.eval(RELEASE_SCRIPT, 1, key, token)) === 1 };
}
