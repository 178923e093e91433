import { createRedisClient, type RedisClient, type RedisTarget } from "@vpa/runtime";

/**
 * Per-key request limits held in Redis, so they hold across API replicas. GCRA (as in
 * runtime's RedisRateLimiter, the alerts' limiter): one number per key, the theoretical arrival
 * time (TAT) of the next request, booked in one Lua script on Redis's own clock. A key may burst
 * its whole minute's allowance at once and then gets one request every `60 s / limit`.
 *
 * Why not runtime's RedisRateLimiter: it answers only "allowed, or wait N ms"; the IETF RateLimit
 * headers need the remaining allowance and the time to a full one on every answer, which this
 * script returns with the decision.
 */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests still allowed right now. */
  readonly remaining: number;
  /** Seconds until the allowance is whole again (RateLimit-Reset). */
  readonly resetSeconds: number;
  /** Seconds until a refused request would be allowed (Retry-After); 0 when allowed. */
  readonly retryAfterSeconds: number;
}

const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local interval = window / limit
local tolerance = window - interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > tolerance then
  return {0, 0, math.ceil(tat - now), math.ceil(tat - now - tolerance)}
end
local nextTat = tat + interval
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return {1, math.floor((now + window - nextTat) / interval), math.ceil(nextTat - now), 0}
`;

interface GcraCommand {
  vpaApiRate(key: string, windowMs: number, limit: number): Promise<[number, number, number, number]>;
}

export class ApiRateLimiter {
  readonly #redis: RedisClient & GcraCommand;
  readonly #prefix: string;
  readonly #limit: number;
  readonly #windowMs: number;
  #connecting: Promise<void> | null = null;

  /** One key per API key under the (hash-tagged) prefix: a single-slot script on a Redis Cluster too. */
  constructor(options: RedisTarget & { prefix: string; perMinute: number }) {
    const redis = createRedisClient(options, {
      lazyConnect: true,
      connectTimeout: 5_000,
      maxRetriesPerRequest: 1,
      // A request fails at once while Redis is away (503) instead of queueing behind a reconnect.
      enableOfflineQueue: false,
    });
    redis.on("error", () => {
      // Surfaces as the failed command, which the request answers with 503.
    });
    redis.defineCommand("vpaApiRate", { numberOfKeys: 1, lua: GCRA_SCRIPT });
    this.#redis = redis as RedisClient & GcraCommand;
    this.#prefix = options.prefix;
    this.#limit = options.perMinute;
    this.#windowMs = 60_000;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Connects on first use; concurrent first requests share one connect. */
  async connect(): Promise<void> {
    if (this.#redis.status === "wait" && this.#connecting === null) {
      // A failed first connect is forgotten: the next request tries again (ioredis reconnects after).
      this.#connecting = this.#redis.connect().catch((error: unknown) => {
        this.#connecting = null;
        throw error;
      });
    }
    if (this.#connecting !== null) await this.#connecting;
  }

  /** Books one request of `keyId`, or refuses it and says when to retry. */
  take(keyId: number): Promise<RateLimitDecision> {
    return this.#book(`key:${keyId}`, this.#limit);
  }

  /**
   * Books one failed authentication of a client address, at most `perMinute` of them: a client
   * trying keys is slowed down (429) before it costs the database more lookups.
   */
  takeFailure(address: string, perMinute: number): Promise<RateLimitDecision> {
    return this.#book(`failed-auth:${address}`, perMinute);
  }

  async #book(subject: string, limit: number): Promise<RateLimitDecision> {
    await this.connect();
    const [allowed, remaining, resetMs, retryMs] = await this.#redis.vpaApiRate(
      `${this.#prefix}:api-rate:${subject}`,
      this.#windowMs,
      limit,
    );
    return {
      allowed: allowed === 1,
      limit,
      remaining: Math.max(0, remaining),
      resetSeconds: Math.ceil(resetMs / 1000),
      retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMs / 1000)),
    };
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
