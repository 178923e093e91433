import { createRedisClient, type RedisClient, type RedisTarget } from "@vpa/runtime";

export interface TelegramUpdateLedgerOptions extends RedisTarget {
  /** The queue prefix: every alerts worker of one deployment shares the ledger. */
  readonly prefix: string;
  /** The bot's id (the token's part before `:`): two bots on one Redis count their own updates. */
  readonly botId: string;
  /**
   * How long an update is remembered. Telegram gives up on an update after 24 hours.
   * @defaultValue 24 h
   */
  readonly rememberMs?: number;
}

/**
 * Which webhook updates have been taken, in Redis, by every alerts worker of the deployment:
 * Telegram posts an update again whenever it did not get a 2xx in time (a slow proxy, a restart,
 * a lost answer), so the same `update_id` can come twice, to the same worker or to another one.
 * The first {@link claim} wins (SET NX); a redelivery finds it taken and is answered 200 with
 * nothing done, so no command is answered twice.
 *
 * Keys: `<prefix>:telegram:update:<bot id>:<update_id>`, expiring after `rememberMs`.
 */
export class TelegramUpdateLedger {
  readonly #redis: RedisClient;
  readonly #keyPrefix: string;
  readonly #rememberMs: number;

  constructor(options: TelegramUpdateLedgerOptions) {
    // Fails fast when Redis is away: the webhook then answers 503 and Telegram tries again later.
    this.#redis = createRedisClient(options, {
      lazyConnect: true,
      connectTimeout: 2_000,
      commandTimeout: 2_000,
      maxRetriesPerRequest: 1,
    });
    this.#redis.on("error", () => {
      // Surfaces on the next claim, which answers Telegram 503.
    });
    this.#keyPrefix = `${options.prefix}:telegram:update:${options.botId}:`;
    this.#rememberMs = options.rememberMs ?? 24 * 60 * 60 * 1000;
  }

  /** True for the first claim of this update (handle it); false when it was taken before. */
  async claim(updateId: number): Promise<boolean> {
    const answer = await this.#redis.set(`${this.#keyPrefix}${updateId}`, "1", "PX", this.#rememberMs, "NX");
    return answer === "OK";
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
