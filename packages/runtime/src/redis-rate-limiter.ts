import { randomUUID } from "node:crypto";
import { createRedisClient, type RedisClient, type RedisTarget } from "./redis-client.ts";

/**
 * One rate limiter for every worker process, held in Redis: a send is allowed only when every
 * limit it is subject to allows it, and it is booked in all of them at once (one Lua script, so
 * two workers can never both take the last slot). The algorithm is GCRA (the "generic cell rate
 * algorithm" of ATM networks, as in redis-cell and Stripe's limiter): each limit keeps one number,
 * the theoretical arrival time (TAT) of the next send; a send at `now` is allowed when
 * `TAT - tolerance <= now`, and moves TAT to `max(TAT, now) + interval`. Time is Redis's own
 * (`TIME`), so workers on machines with skewed clocks share one clock.
 *
 * A pause key (a provider's 429 `retry_after`) holds every send behind it until it passes, in
 * every process at once.
 *
 * Why not a library: rate-limiter-flexible limits one key per call (a Telegram send needs the
 * bot-wide and the per-chat limit booked together, or a refused chat slot wastes a bot slot), and
 * BullMQ's limiter counts jobs per queue, not messages per chat.
 *
 * Keys: `<prefix>:rate:<name>`. On Redis Cluster every key of one call must share a hash slot:
 * with a hash-tagged prefix (`{vpa}`) they do.
 */
export interface RateLimit {
  /** The limit's name under the prefix, e.g. `telegram:bot` or `telegram:chat:12345`. */
  readonly key: string;
  /** The spacing of sends: 1000 / (sends per second). */
  readonly intervalMs: number;
  /** How far ahead of the spacing a burst may run. Default 0: strictly spaced. */
  readonly toleranceMs?: number;
  /**
   * At most `count` sends in any `ms`, counted at their departure (`departed`): a guard on top of
   * the spacing for a receiver that counts arrivals in a sliding window. A send that left late
   * holds the window longer, so the sends after it wait instead of arriving bunched with it.
   */
  readonly window?: { readonly count: number; readonly ms: number };
}

export type RateDecision =
  | {
      readonly allowed: true;
      /** The booking, for `departed` when the send leaves (limits with a window only). */
      readonly booking?: RateBooking;
    }
  | {
      readonly allowed: false;
      /** How long until this send would be allowed. */
      readonly waitMs: number;
      /** The limit that holds it back (its key), or `pause` for a provider's pause. */
      readonly heldBy: string;
    };

// KEYS: the pause, each limit's TAT, each limit's window (a sorted set of its sends' departures).
// ARGV: the intervals, the tolerances, the window counts (0: none), the window lengths, the
// booking's id (the member of every window it is booked in).
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local held = 0
local pause = tonumber(redis.call('GET', KEYS[1]) or '0')
if pause > now then
  wait = pause - now
  held = 1
end
local n = (#KEYS - 1) / 2
local tats = {}
for i = 1, n do
  local tolerance = tonumber(ARGV[n + i])
  local tat = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
  if tat < now then tat = now end
  tats[i] = tat
  local w = tat - tolerance - now
  if w > wait then
    wait = w
    held = i + 1
  end
  local count = tonumber(ARGV[2 * n + i])
  if count > 0 then
    local span = tonumber(ARGV[3 * n + i])
    local windowKey = KEYS[n + i + 1]
    redis.call('ZREMRANGEBYSCORE', windowKey, '-inf', now - span)
    if redis.call('ZCARD', windowKey) >= count then
      local oldest = redis.call('ZRANGE', windowKey, -count, -count, 'WITHSCORES')
      local ww = tonumber(oldest[2]) + span - now + 1
      if ww > wait then
        wait = ww
        held = i + 1
      end
    end
  end
end
if wait > 0 then return {math.ceil(wait), held} end
local booking = ARGV[4 * n + 1]
for i = 1, n do
  local interval = tonumber(ARGV[i])
  local tolerance = tonumber(ARGV[n + i])
  local next = tats[i] + interval
  redis.call('SET', KEYS[i + 1], next, 'PX', math.ceil(next - now + tolerance) + 1000)
  if tonumber(ARGV[2 * n + i]) > 0 then
    local span = tonumber(ARGV[3 * n + i])
    redis.call('ZADD', KEYS[n + i + 1], now, booking)
    redis.call('PEXPIRE', KEYS[n + i + 1], span + 1000)
  end
end
return {0, 0}
`;

// KEYS: the windows a booking is in. ARGV: the booking's id. Moves its departure to now (later
// only), so a send that left late holds its window for as long as it counts at the receiver.
const DEPART_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', 'GT', now, ARGV[1])
end
return 0
`;

/** A booked send, as `tryAcquire` returns it for `departed`. */
export interface RateBooking {
  readonly id: string;
  readonly windowKeys: readonly string[];
}

const PAUSE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then
  redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000)
  return untilMs
end
return current
`;

interface LimiterCommands {
  vpaRateAcquire(...args: (string | number)[]): Promise<[number, number]>;
  vpaRatePause(key: string, ms: number): Promise<number>;
  vpaRateDepart(...args: (string | number)[]): Promise<number>;
}

export interface RedisRateLimiterOptions extends RedisTarget {
  /** The queue prefix: the limits are shared by every worker of one deployment. */
  readonly prefix: string;
}

export class RedisRateLimiter {
  readonly #redis: RedisClient & LimiterCommands;
  readonly #prefix: string;

  constructor(options: RedisRateLimiterOptions) {
    const redis = createRedisClient(options, {
      lazyConnect: true,
      connectTimeout: 5_000,
      maxRetriesPerRequest: 2,
    });
    redis.on("error", () => {
      // Surfaces on the next command, which the caller's job retries.
    });
    redis.defineCommand("vpaRateAcquire", { lua: ACQUIRE_SCRIPT });
    redis.defineCommand("vpaRatePause", { numberOfKeys: 1, lua: PAUSE_SCRIPT });
    redis.defineCommand("vpaRateDepart", { lua: DEPART_SCRIPT });
    this.#redis = redis as RedisClient & LimiterCommands;
    this.#prefix = options.prefix;
  }

  /**
   * Books a send in every limit at once, or books nothing and says how long to wait.
   * @param pause the name of a pause this send obeys (e.g. `telegram:bot`), or null
   */
  async tryAcquire(limits: readonly RateLimit[], pause: string | null): Promise<RateDecision> {
    const pauseKey = this.#key(`pause:${pause ?? "none"}`);
    const windowKeys = limits.map((limit) => this.#key(`${limit.key}:window`));
    const keys = [pauseKey, ...limits.map((limit) => this.#key(limit.key)), ...windowKeys];
    const id = randomUUID();
    const args = [
      ...limits.map((limit) => Math.max(0, limit.intervalMs)),
      ...limits.map((limit) => Math.max(0, limit.toleranceMs ?? 0)),
      ...limits.map((limit) => Math.max(0, limit.window?.count ?? 0)),
      ...limits.map((limit) => Math.max(0, limit.window?.ms ?? 0)),
      id,
    ];
    const [waitMs, held] = await this.#redis.vpaRateAcquire(keys.length, ...keys, ...args);
    if (waitMs <= 0) {
      const windowed = windowKeys.filter((_, i) => (limits[i]?.window?.count ?? 0) > 0);
      return windowed.length === 0
        ? { allowed: true }
        : { allowed: true, booking: { id, windowKeys: windowed } };
    }
    return { allowed: false, waitMs, heldBy: held <= 1 ? "pause" : (limits[held - 2]?.key ?? "unknown") };
  }

  /**
   * The booked send is leaving now (right before its request): its windows count it from now, if
   * that is later than its booking.
   */
  async departed(booking: RateBooking): Promise<void> {
    if (booking.windowKeys.length === 0) return;
    await this.#redis.vpaRateDepart(booking.windowKeys.length, ...booking.windowKeys, booking.id);
  }

  /** Holds every send that obeys `pause` for `ms` (a provider's retry_after), in every process. */
  async pause(pause: string, ms: number): Promise<void> {
    await this.#redis.vpaRatePause(this.#key(`pause:${pause}`), Math.max(0, Math.round(ms)));
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  #key(name: string): string {
    return `${this.#prefix}:rate:${name}`;
  }
}
