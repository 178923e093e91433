import { Redis } from "ioredis";
import type { MessageImage } from "../render/rendered-message.ts";

/** Where rendered charts are kept between the deliveries of one signal. */
export interface ChartCache {
  /** The chart stored for this signal, or null when there is none (never stored, or expired). */
  get(signalId: number): Promise<MessageImage | null>;
  set(signalId: number, image: MessageImage): Promise<void>;
}

export interface RedisChartCacheOptions {
  readonly redisUrl: string;
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
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(options: RedisChartCacheOptions) {
    this.#redis = new Redis(options.redisUrl, {
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

  /** `<prefix>:chart:<signalId>`. */
  keyOf(signalId: number): string {
    return `${this.#prefix}:chart:${signalId}`;
  }

  async get(signalId: number): Promise<MessageImage | null> {
    const stored = await this.#redis.hgetallBuffer(this.keyOf(signalId));
    const png = stored.png;
    if (png === undefined || png.length === 0) return null;
    return {
      png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength),
      alt: stored.alt?.toString("utf8") ?? "",
    };
  }

  async set(signalId: number, image: MessageImage): Promise<void> {
    const key = this.keyOf(signalId);
    const png = Buffer.from(image.png.buffer, image.png.byteOffset, image.png.byteLength);
    const results = await this.#redis
      .multi()
      .hset(key, { png, alt: image.alt })
      .pexpire(key, this.#ttlMs)
      .exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
