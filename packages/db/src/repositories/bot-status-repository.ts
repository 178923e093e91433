import { type Kysely, sql } from "kysely";
import { dateToBarTime, isTimeframe } from "../bar-time.ts";
import type { Database, DeliveryStatus } from "../schema.ts";
import type { SubscriberChannel } from "./subscriber-repository.ts";

/**
 * What the Telegram bot reads about the system as a whole (its admins' /status) and about one
 * chat's standing (its bounds). Read-only; each function is a handful of aggregate queries.
 */

export interface BotStatus {
  /** Active subscribers per channel (channels without any are absent). */
  readonly activeSubscribers: Readonly<Record<SubscriberChannel, number>>;
  /** Active subscriptions of active subscribers. */
  readonly activeSubscriptions: number;
  /** The newest stored signal by bar time, or null when there is none. */
  readonly lastSignal: {
    readonly symbol: string;
    readonly type: string;
    readonly timeframe: string;
    /** Bar time as the rest of the system writes it (`YYYY-MM-DD` or an ISO instant, +07:00). */
    readonly time: string;
    /** When the scanner stored it. */
    readonly storedAt: Date;
  } | null;
  /** Deliveries claimed in the 24 hours before `now`, by status (statuses without any are absent). */
  readonly deliveriesLast24h: Readonly<Partial<Record<DeliveryStatus, number>>>;
}

/**
 * The figures of the bot's /status. The delivery count scans the last day of `alert_deliveries`
 * (no index on `claimed_at`): fine for an admin command, not for anything called per alert.
 */
export async function readBotStatus(db: Kysely<Database>, now: Date): Promise<BotStatus> {
  const [subscribers, subscriptions, lastSignal, deliveries] = await Promise.all([
    db
      .selectFrom("subscribers")
      .select(["channel", (eb) => eb.fn.countAll<string>().as("count")])
      .where("is_active", "=", true)
      .groupBy("channel")
      .orderBy("channel")
      .execute(),
    db
      .selectFrom("subscriptions as sc")
      .innerJoin("subscribers as sb", "sb.id", "sc.subscriber_id")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("sc.is_active", "=", true)
      .where("sb.is_active", "=", true)
      .executeTakeFirstOrThrow(),
    // vpa_signals_time_idx (time desc) answers this with one index probe.
    db
      .selectFrom("vpa_signals as s")
      .innerJoin("stocks as st", "st.id", "s.stock_id")
      .select(["st.symbol", "s.type", "s.timeframe", "s.time", "s.created_at"])
      .orderBy("s.time", "desc")
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom("alert_deliveries")
      .select(["status", (eb) => eb.fn.countAll<string>().as("count")])
      .where("claimed_at", ">=", sql<Date>`${now}::timestamptz - interval '24 hours'`)
      .groupBy("status")
      .orderBy("status")
      .execute(),
  ]);
  return {
    activeSubscribers: Object.fromEntries(subscribers.map((row) => [row.channel, Number(row.count)])),
    activeSubscriptions: Number(subscriptions.count),
    lastSignal:
      lastSignal === undefined
        ? null
        : {
            symbol: lastSignal.symbol,
            type: lastSignal.type,
            timeframe: lastSignal.timeframe,
            time: isTimeframe(lastSignal.timeframe)
              ? dateToBarTime(lastSignal.time, lastSignal.timeframe)
              : lastSignal.time.toISOString(),
            storedAt: lastSignal.created_at,
          },
    deliveriesLast24h: Object.fromEntries(deliveries.map((row) => [row.status, Number(row.count)])),
  };
}

/** Active subscriptions of one active subscriber (0 when it is unknown or inactive). */
export async function countActiveSubscriptions(
  db: Kysely<Database>,
  channel: SubscriberChannel,
  address: string,
): Promise<number> {
  const row = await db
    .selectFrom("subscriptions as sc")
    .innerJoin("subscribers as sb", "sb.id", "sc.subscriber_id")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("sb.channel", "=", channel)
    .where("sb.address", "=", address)
    .where("sb.is_active", "=", true)
    .where("sc.is_active", "=", true)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
