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
 * A limit may also keep a sliding window (`RateLimit.window`), as receivers such as Telegram count
 * arrivals: each send in it is scored by the latest moment it can have arrived (its booking, then
 * "any moment" while its request is out, then its answer), on Redis's clock. Any arrival within
 * `ms` before a new send's arrival was answered within `ms` before that send was booked, so a
 * window that counts answers can never let `count + 1` arrive within `ms`, whatever the requests'
 * trips took; and a fast answer frees its place at once, where a fixed margin for the trip
 * (counting from departure, 50 ms wider) cost 5 % of the rate.
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
   * At most `count` sends in any `ms`, for a receiver that counts arrivals in a sliding window:
   * each send counts from the latest moment it can have arrived. Booked, it counts from its
   * booking; left (`departed`), as arriving at any moment until answered; answered (`answered`),
   * from its answer, which comes after its arrival. So `ms` needs no margin for the request's
   * trip: a send that arrived late holds the window for as long as it counts at the receiver, and
   * one answered fast frees it as soon as the receiver does.
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

/** How soon to ask again when a window is full of sends still in flight (their answers free it). */
const IN_FLIGHT_POLL_MS = 20;

// KEYS: the pause, each limit's TAT, each limit's window (a sorted set of its sends, each scored by
// the latest moment it can have arrived: see RateLimit.window).
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
      -- Held by sends still in flight (scored ahead of now): their answers will free it.
      if ww > span + 1 then ww = ${IN_FLIGHT_POLL_MS} end
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
    if redis.call('PTTL', KEYS[n + i + 1]) < span + 1000 then redis.call('PEXPIRE', KEYS[n + i + 1], span + 1000) end
  end
end
return {0, 0}
`;

// KEYS: the windows a booking is in. ARGV: the booking's id, the in-flight hold, each window's
// length. The send leaves now: until its answer it may arrive at any moment, so it counts as
// arriving at the latest one (now + the hold, past any sender's request timeout). Re-added if its
// booking already left the window (a claim slower than the window).
const DEPART_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(ARGV[2])
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'GT', now + hold, ARGV[1])
  local ttl = hold + tonumber(ARGV[2 + i]) + 1000
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 0
`;

// KEYS: the windows a booking is in. ARGV: the booking's id, each window's length. The receiver
// answered now, so the send arrived before now: it counts from now.
const ANSWER_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[1])
  local ttl = tonumber(ARGV[1 + i]) + 1000
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 0
`;

/** A booked send, as `tryAcquire` returns it for `departed`. */
export interface RateBooking {
  readonly id: string;
  readonly windowKeys: readonly string[];
  /** Each window's length (ms), in the order of `windowKeys`. */
  readonly windowMs: readonly number[];
}

/**
 * How long a send that left and was not answered counts as still arriving: longer than any
 * sender's request timeout (Telegram's sends and the bot's replies give up after 10 s), so a
 * request the receiver took slowly still holds its window when it lands. Answered, it counts from
 * its answer instead; unanswered (its process died), it holds one place for this long.
 */
export const IN_FLIGHT_HOLD_MS = 15_000;

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
  vpaRateAnswer(...args: (string | number)[]): Promise<number>;
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
    redis.defineCommand("vpaRateAnswer", { lua: ANSWER_SCRIPT });
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
      const windowed = limits.flatMap((limit, i) =>
        limit.window !== undefined && limit.window.count > 0
          ? [{ key: windowKeys[i]!, ms: limit.window.ms }]
          : [],
      );
      return windowed.length === 0
        ? { allowed: true }
        : {
            allowed: true,
            booking: { id, windowKeys: windowed.map((w) => w.key), windowMs: windowed.map((w) => w.ms) },
          };
    }
    return { allowed: false, waitMs, heldBy: held <= 1 ? "pause" : (limits[held - 2]?.key ?? "unknown") };
  }

  /**
   * The booked send is leaving now (right before its request): its windows count it as arriving
   * at any moment until `answered`.
   */
  async departed(booking: RateBooking): Promise<void> {
    if (booking.windowKeys.length === 0) return;
    await this.#redis.vpaRateDepart(
      booking.windowKeys.length,
      ...booking.windowKeys,
      booking.id,
      IN_FLIGHT_HOLD_MS,
      ...booking.windowMs,
    );
  }

  /**
   * The receiver answered the send (accepted, refused or failed; call it once the request is
   * over): its windows count it from now, the latest it can have arrived.
   */
  async answered(booking: RateBooking): Promise<void> {
    if (booking.windowKeys.length === 0) return;
    await this.#redis.vpaRateAnswer(
      booking.windowKeys.length,
      ...booking.windowKeys,
      booking.id,
      ...booking.windowMs,
    );
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
