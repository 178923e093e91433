import { type Expression, type Kysely, sql } from "kysely";
import type { Database, DeliveryMode } from "../schema.ts";

/**
 * The channel a subscriber is reached on: a name from the alerts' channel registry
 * (apps/alerts/src/channels/channel-registry.ts), which checks it before it is stored; the
 * subscribers table's check constraint lists the names storage accepts (a migration adds a new
 * channel's). A plain string here so that this package does not repeat the registry.
 */
export type SubscriberChannel = string;

export interface SubscriptionInput {
  readonly channel: SubscriberChannel;
  /** Telegram chat id, email address, or a label for the console channel. */
  readonly address: string;
  readonly name?: string | null;
  /** null: every symbol. */
  readonly symbols?: readonly string[] | null;
  /** null: every signal type. */
  readonly signalTypes?: readonly string[] | null;
  readonly minScore?: number;
}

export interface SubscriptionResult {
  readonly subscriberId: number;
  readonly subscriptionId: number;
  /** False when an identical subscription already existed (nothing was added). */
  readonly created: boolean;
}

/**
 * Registers (or re-activates) a subscriber and gives it the subscription described, unless an
 * identical active one exists. Idempotent: running the same subscribe twice changes nothing.
 */
export async function subscribe(db: Kysely<Database>, input: SubscriptionInput): Promise<SubscriptionResult> {
  return db.transaction().execute(async (trx) => {
    const subscriber = await trx
      .insertInto("subscribers")
      .values({ channel: input.channel, address: input.address, name: input.name ?? null })
      .onConflict((oc) =>
        oc.columns(["channel", "address"]).doUpdateSet({
          is_active: true,
          deactivated_reason: null,
          name: (eb) => eb.fn.coalesce("excluded.name", "subscribers.name"),
        }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    const symbols = input.symbols === undefined || input.symbols === null ? null : [...input.symbols].sort();
    const types =
      input.signalTypes === undefined || input.signalTypes === null ? null : [...input.signalTypes].sort();
    const minScore = input.minScore ?? 0;
    const existing = await trx
      .selectFrom("subscriptions")
      .select("id")
      .where("subscriber_id", "=", subscriber.id)
      .where("is_active", "=", true)
      .where(sql<boolean>`symbols is not distinct from ${symbols}::text[]`)
      .where(sql<boolean>`signal_types is not distinct from ${types}::text[]`)
      .where("min_score", "=", minScore)
      .executeTakeFirst();
    if (existing !== undefined) {
      return { subscriberId: subscriber.id, subscriptionId: existing.id, created: false };
    }
    const created = await trx
      .insertInto("subscriptions")
      .values({ subscriber_id: subscriber.id, symbols, signal_types: types, min_score: minScore })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { subscriberId: subscriber.id, subscriptionId: created.id, created: true };
  });
}

/** Deactivates a subscriber (kept for the delivery history). Returns false if there was none. */
export async function unsubscribe(
  db: Kysely<Database>,
  channel: SubscriberChannel,
  address: string,
  reason = "unsubscribed",
): Promise<boolean> {
  const result = await db
    .updateTable("subscribers")
    .set({ is_active: false, deactivated_reason: reason })
    .where("channel", "=", channel)
    .where("address", "=", address)
    .where("is_active", "=", true)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deactivates by id, e.g. when Telegram answers that the user blocked the bot. */
export async function deactivateSubscriber(
  db: Kysely<Database>,
  subscriberId: number,
  reason: string,
): Promise<void> {
  await db
    .updateTable("subscribers")
    .set({ is_active: false, deactivated_reason: reason })
    .where("id", "=", subscriberId)
    .execute();
}

export interface Recipient {
  readonly subscriberId: number;
  readonly channel: SubscriberChannel;
  readonly address: string;
  /** Quiet hours, local minutes after midnight, or null. */
  readonly quietHours: QuietHours | null;
  /** Digest: a non-HIGH alert of a scan reaches them in the scan's digest, not on its own. */
  readonly deliveryMode: DeliveryMode;
}

/** A daily window in Asia/Ho_Chi_Minh local time (minutes after midnight); may wrap past midnight. */
export interface QuietHours {
  readonly start: number;
  readonly end: number;
}

/** Sets (or with null, clears) a subscriber's quiet hours. Returns false if there is no such subscriber. */
export async function setQuietHours(
  db: Kysely<Database>,
  channel: SubscriberChannel,
  address: string,
  quietHours: QuietHours | null,
): Promise<boolean> {
  const result = await db
    .updateTable("subscribers")
    .set({ quiet_start: quietHours?.start ?? null, quiet_end: quietHours?.end ?? null })
    .where("channel", "=", channel)
    .where("address", "=", address)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function quietHoursOf(row: { quiet_start: number | null; quiet_end: number | null }): QuietHours | null {
  return row.quiet_start === null || row.quiet_end === null
    ? null
    : { start: row.quiet_start, end: row.quiet_end };
}

export interface SignalMatch {
  readonly symbol: string;
  readonly type: string;
  readonly score: number;
  /**
   * Only subscriptions made before this instant (the alert's creation): a retry of an old alert
   * reaches the recipients it was owed to, not someone who subscribed since.
   */
  readonly subscribedBefore?: Date;
}

/** Active subscribers with at least one active subscription that wants this signal, once each per channel. */
export async function findRecipients(db: Kysely<Database>, signal: SignalMatch): Promise<Recipient[]> {
  const rows = await selectRecipients(db, signal, signal.subscribedBefore).execute();
  return rows.map((row) => ({
    subscriberId: row.id,
    channel: row.channel,
    address: row.address,
    quietHours: quietHoursOf(row),
    deliveryMode: row.delivery_mode,
  }));
}

/** What {@link selectRecipients} matches on: values, or columns of an enclosing query. */
export interface SignalMatchTerms {
  readonly symbol: string | Expression<string>;
  readonly type: string | Expression<string>;
  readonly score: number | Expression<number>;
}

/**
 * The query of {@link findRecipients}, the one place the matching rule lives: also a part of the
 * alert fan-out's single statement (`startAlertFanOuts`), where it runs once per alert (a lateral
 * join: the terms are the alert's columns) and the subscriptions' cut-off is the alert's own
 * creation time, read in the same statement.
 */
export function selectRecipients(
  db: Kysely<Database>,
  signal: SignalMatchTerms,
  subscribedBefore: Date | Expression<Date> | undefined,
) {
  return db
    .selectFrom("subscribers as sb")
    .innerJoin("subscriptions as sc", "sc.subscriber_id", "sb.id")
    .select(["sb.id", "sb.channel", "sb.address", "sb.quiet_start", "sb.quiet_end", "sb.delivery_mode"])
    .distinct()
    .where("sb.is_active", "=", true)
    .where("sc.is_active", "=", true)
    .where("sc.min_score", "<=", signal.score)
    .where(sql<boolean>`(sc.symbols is null or ${signal.symbol} = any(sc.symbols))`)
    .where(sql<boolean>`(sc.signal_types is null or ${signal.type} = any(sc.signal_types))`)
    .$if(subscribedBefore !== undefined, (q) =>
      q.where("sc.created_at", "<=", subscribedBefore as Date | Expression<Date>),
    )
    .orderBy("sb.id");
}

export interface SubscriberView {
  readonly id: number;
  readonly name: string | null;
  readonly channel: SubscriberChannel;
  readonly address: string;
  readonly isActive: boolean;
  readonly deactivatedReason: string | null;
  readonly quietHours: QuietHours | null;
  readonly subscriptions: { symbols: string[] | null; signalTypes: string[] | null; minScore: number }[];
}

export async function listSubscribers(db: Kysely<Database>): Promise<SubscriberView[]> {
  const subscribers = await db.selectFrom("subscribers").selectAll().orderBy("id").execute();
  const subscriptions = await db
    .selectFrom("subscriptions")
    .selectAll()
    .where("is_active", "=", true)
    .execute();
  return subscribers.map((s) => ({
    id: s.id,
    name: s.name,
    channel: s.channel,
    address: s.address,
    isActive: s.is_active,
    deactivatedReason: s.deactivated_reason,
    quietHours: quietHoursOf(s),
    subscriptions: subscriptions
      .filter((sc) => sc.subscriber_id === s.id)
      .map((sc) => ({ symbols: sc.symbols, signalTypes: sc.signal_types, minScore: sc.min_score })),
  }));
}
