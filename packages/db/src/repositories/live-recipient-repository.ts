import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";
import type { SubscriberChannel } from "./subscriber-repository.ts";
import type { SubscriberLanguage } from "./subscriber-settings-repository.ts";

export interface LiveSignalMatch {
  readonly symbol: string;
  readonly type: string;
  readonly score: number;
  /** Subscribers paused past this instant are left out. */
  readonly now: Date;
}

/** A subscriber who opted in to provisional alerts, on one channel. */
export interface LiveRecipient {
  readonly subscriberId: number;
  readonly channel: SubscriberChannel;
  readonly address: string;
  /** null: the operator's ALERT_LANGUAGE. */
  readonly language: SubscriberLanguage | null;
  /** Local (Asia/Ho_Chi_Minh) minutes after midnight, both null or both set. */
  readonly quietStart: number | null;
  readonly quietEnd: number | null;
}

/**
 * The recipients of a provisional alert (vpa-signals.md §10): active subscribers with `live` on,
 * not paused, with an active subscription that wants this signal (symbols, types and minimum
 * score, as for a final alert), once each. Quiet hours are the caller's to apply: a provisional
 * alert held until morning is worthless, so it is dropped rather than delayed.
 */
export async function findLiveRecipients(
  db: Kysely<Database>,
  signal: LiveSignalMatch,
): Promise<LiveRecipient[]> {
  const rows = await db
    .selectFrom("subscribers as sb")
    .innerJoin("subscriptions as sc", "sc.subscriber_id", "sb.id")
    .select(["sb.id", "sb.channel", "sb.address", "sb.language", "sb.quiet_start", "sb.quiet_end"])
    .distinct()
    .where("sb.live", "=", true)
    .where("sb.is_active", "=", true)
    .where((eb) => eb.or([eb("sb.paused_until", "is", null), eb("sb.paused_until", "<=", signal.now)]))
    .where("sc.is_active", "=", true)
    .where("sc.min_score", "<=", signal.score)
    .where(sql<boolean>`(sc.symbols is null or ${signal.symbol} = any(sc.symbols))`)
    .where(sql<boolean>`(sc.signal_types is null or ${signal.type} = any(sc.signal_types))`)
    .orderBy("sb.id")
    .execute();
  return rows.map((row) => ({
    subscriberId: row.id,
    channel: row.channel,
    address: row.address,
    language: row.language,
    quietStart: row.quiet_start,
    quietEnd: row.quiet_end,
  }));
}
