import { createRedisClient, type RedisClient, type RedisTarget } from "@vpa/runtime";
import type { MessageImage } from "../render/rendered-message.ts";

/**
 * Where rendered charts are kept between the deliveries of one signal. A key is a signal id (an
 * alert's chart) or a string naming another drawing (the bot's /chart: `symbol:VCB:…`).
 */
export interface ChartCache {
  /** The chart stored under this key, or null when there is none (never stored, or expired). */
  get(key: ChartCacheKey): Promise<MessageImage | null>;
  set(key: ChartCacheKey, image: MessageImage): Promise<void>;
  /**
   * Claims the drawing of `key` for `ttlMs` across every process sharing the cache: true for the
   * first caller; false while another holds it (its chart is on the way: wait for it in `get`).
   * Without it, each process draws what it misses.
   */
  claimDrawing?(key: ChartCacheKey, ttlMs: number): Promise<boolean>;
  /** Gives the claim up once the drawing is over, drawn or not: a waiter then draws at once. */
  releaseDrawing?(key: ChartCacheKey): Promise<void>;
}

/** A signal id, or a string naming another drawing. */
export type ChartCacheKey = number | string;

export interface RedisChartCacheOptions extends RedisTarget {
  /** The queue prefix: every alert worker of one deployment shares the cache. */
  readonly prefix: string;
  /**
   * How long a chart is kept. Default a day: every delivery of a signal (the instant ones within
   * seconds, retries within the 30-minute retry budget, quiet hours overnight) finds it.
   */
  readonly ttlMs?: number;
}

export const DEFAULT_CHART_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Charts in Redis, one hash per signal at `<prefix>:chart:<signalId>` with the PNG (binary) and
 * its alt text, expiring after `ttlMs`. Why Redis and not PostgreSQL: every alert worker already
 * shares it, a cached chart is disposable (it is drawn again from the bars), and expiry is free.
 * A chart is ~20–60 kB, so a day of a busy scan's alerts (a few hundred signals) is a few MB.
 */
export class RedisChartCache implements ChartCache {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(options: RedisChartCacheOptions) {
    this.#redis = createRedisClient(options, {
      lazyConnect: true,
      connectTimeout: 5_000,
      maxRetriesPerRequest: 2,
    });
    this.#redis.on("error", () => {
      // Surfaces on the next command; the caller draws the chart without the cache.
    });
    this.#prefix = options.prefix;
    this.#ttlMs = options.ttlMs ?? DEFAULT_CHART_TTL_MS;
  }

  /** `<prefix>:chart:<signalId>` (or `<prefix>:chart:<name>`). */
  keyOf(key: ChartCacheKey): string {
    return `${this.#prefix}:chart:${key}`;
  }

  async get(cacheKey: ChartCacheKey): Promise<MessageImage | null> {
    const stored = await this.#redis.hgetallBuffer(this.keyOf(cacheKey));
    const png = stored.png;
    if (png === undefined || png.length === 0) return null;
    return {
      png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength),
      alt: stored.alt?.toString("utf8") ?? "",
    };
  }

  async set(cacheKey: ChartCacheKey, image: MessageImage): Promise<void> {
    const key = this.keyOf(cacheKey);
    const png = Buffer.from(image.png.buffer, image.png.byteOffset, image.png.byteLength);
    const results = await this.#redis
      .multi()
      .hset(key, { png, alt: image.alt })
      .pexpire(key, this.#ttlMs)
      .exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  /** `SET <prefix>:chart:<key>:drawing NX PX ttlMs`: the first caller gets it. */
  async claimDrawing(cacheKey: ChartCacheKey, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(`${this.keyOf(cacheKey)}:drawing`, "1", "PX", ttlMs, "NX")) === "OK";
  }

  async releaseDrawing(cacheKey: ChartCacheKey): Promise<void> {
    await this.#redis.del(`${this.keyOf(cacheKey)}:drawing`);
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
