import type { ProvisionalAlertEvent } from "@vpa/core";
import type { Database } from "@vpa/db";
import { type Config, type Logger, type QueueConnection, RedisRateLimiter } from "@vpa/runtime";
import type { Kysely } from "kysely";
import { channelPacing } from "../channels/channel-registry.ts";
import { closeSenders, createSenders } from "../create-senders.ts";
import { deliverProvisionalEvent, type ProvisionalDeliveryResult } from "./deliver-provisional-event.ts";

export interface ProvisionalSinkOptions {
  readonly db: Kysely<Database>;
  /** The process's configuration: its channels (createSenders), ALERT_LANGUAGE, EMAIL_MAX_PER_SECOND. */
  readonly config: Config;
  /** The deployment's Redis and queue prefix: the rate limiter shared with the alert workers. */
  readonly connection: QueueConnection;
  readonly logger: Logger;
  /** Where the console channel writes its lines. */
  readonly writeConsole: (line: string) => void;
}

export interface ProvisionalSink {
  /**
   * Sends one provisional event to every live subscriber it matches (deliverProvisionalEvent):
   * paced by the shared limiter, a failed send logged and counted, never thrown.
   */
  deliver(event: ProvisionalAlertEvent): Promise<ProvisionalDeliveryResult>;
  /** Closes the senders and the limiter's connection (after the stream has stopped). */
  close(): Promise<void>;
}

/**
 * The stream worker's way out for provisional alerts (vpa-signals.md §10): straight to the live
 * subscribers from the stream's own process, perishable (no alert ledger), through the same
 * channels as the alert workers and booked in the same Redis rate limiter, so that a provisional
 * alert takes a slot of Telegram's 30/s per bot and 1/s per chat like any other send, and a 429
 * pauses every sender. `vpa worker stream` and bench/live both start theirs here.
 *
 * @example
 * const provisional = await createProvisionalSink({ db, config, connection, logger, writeConsole });
 * await startLiveStream({ ..., provisional: { redis, prefix, sink: async (e) => { await provisional.deliver(e); } } });
 */
export async function createProvisionalSink(options: ProvisionalSinkOptions): Promise<ProvisionalSink> {
  const { config, logger } = options;
  const senders = await createSenders(config, { writeConsole: options.writeConsole });
  const limiter = new RedisRateLimiter(options.connection);
  const pacingOptions = { emailPerSecond: config.alerts.emailPerSecond };
  const dependencies = {
    db: options.db,
    senders,
    defaultLanguage: config.alerts.language,
    now: Date.now,
    onSendError: (err: unknown, recipient: { channel: string; subscriberId: number }) =>
      logger.warn({ err, ...recipient }, "provisional alert not sent"),
    pacing: { limiter, of: (channel: string) => channelPacing(channel, pacingOptions) },
  };
  return {
    deliver: (event) => deliverProvisionalEvent(dependencies, event),
    async close() {
      await closeSenders(senders);
      await limiter.close();
    },
  };
}
