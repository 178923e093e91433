import { type Kysely, sql } from "kysely";
import type { Database, DeliveryStatus } from "../schema.ts";

export interface AlertInput {
  readonly signalId: number;
  readonly priority: "HIGH" | "MEDIUM" | "LOW";
  /** The plain-text rendering, kept for the record and for `vpa alerts`. */
  readonly message: string;
}

/** Creates the alert of a signal unless it exists; returns its id either way. */
export async function ensureAlert(db: Kysely<Database>, input: AlertInput): Promise<number> {
  const row = await sql<{ id: number }>`
    with inserted as (
      insert into alerts (signal_id, priority, message) values (${input.signalId}, ${input.priority}, ${input.message})
      on conflict (signal_id) do nothing
      returning id
    )
    select id from inserted
    union all
    select id from alerts where signal_id = ${input.signalId}
    limit 1
  `.execute(db);
  const id = row.rows[0]?.id;
  if (id === undefined) throw new Error(`alert for signal ${input.signalId} could not be created`);
  return id;
}

/** Of the given signals, those that have no alert yet (their alert job never ran to its first step). */
export async function findSignalsWithoutAlert(
  db: Kysely<Database>,
  signalIds: readonly number[],
): Promise<number[]> {
  if (signalIds.length === 0) return [];
  const rows = await sql<{ id: number }>`
    select s.id from unnest(${[...signalIds]}::int8[]) as s(id)
    where not exists (select 1 from alerts a where a.signal_id = s.id)
  `.execute(db);
  return rows.rows.map((row) => row.id);
}

export interface DeliveryKey {
  readonly alertId: number;
  readonly subscriberId: number;
  readonly channel: string;
}

/**
 * What a claim found:
 * - `claimed`: this caller owns the send; it must end in markDeliverySent / Retry / Failed.
 * - `already-sent` / `already-failed`: nothing to do.
 * - `uncertain`: an earlier attempt claimed it and never reported back (its worker died between
 *   send and acknowledgement). The message may or may not have gone out; it is never resent.
 */
export type ClaimOutcome = "claimed" | "already-sent" | "already-failed" | "uncertain";

/**
 * Takes the right to send one (alert, subscriber, channel) delivery. The unique key makes this the
 * single point that guarantees no duplicate: only a row in `retry` (known not delivered) can be
 * claimed again.
 */
export async function claimDelivery(db: Kysely<Database>, key: DeliveryKey): Promise<ClaimOutcome> {
  const claimed = await sql<{ id: number }>`
    insert into alert_deliveries (alert_id, subscriber_id, channel, status)
    values (${key.alertId}, ${key.subscriberId}, ${key.channel}, 'sending')
    on conflict (alert_id, subscriber_id, channel) do update
      set status = 'sending', attempts = alert_deliveries.attempts + 1, claimed_at = now(), error = null
      where alert_deliveries.status = 'retry'
    returning id
  `.execute(db);
  if (claimed.rows.length > 0) return "claimed";
  // Someone else's row. A leftover 'sending' means a send whose outcome nobody recorded.
  const existing = await sql<{ status: string }>`
    update alert_deliveries set status = case when status = 'sending' then 'uncertain' else status end
    where alert_id = ${key.alertId} and subscriber_id = ${key.subscriberId} and channel = ${key.channel}
    returning status
  `.execute(db);
  const status = existing.rows[0]?.status;
  if (status === "sent") return "already-sent";
  if (status === "failed") return "already-failed";
  return "uncertain";
}

export async function markDeliverySent(
  db: Kysely<Database>,
  key: DeliveryKey,
  providerMessageId: string | null,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("alert_deliveries")
      .set({ status: "sent", sent_at: new Date(), provider_message_id: providerMessageId })
      .where("alert_id", "=", key.alertId)
      .where("subscriber_id", "=", key.subscriberId)
      .where("channel", "=", key.channel)
      .execute();
    await sql`
      update alerts set is_sent = true, sent_at = coalesce(sent_at, now()),
        channels_sent = case when ${key.channel} = any(channels_sent) then channels_sent
                             else array_append(channels_sent, ${key.channel}::text) end
      where id = ${key.alertId}
    `.execute(trx);
  });
}

/**
 * Records a delivery that did not go out: `retry` (known not delivered: a later attempt may claim
 * it), `failed` (permanent) or `suppressed` (throttled: final, never sent later).
 */
export async function markDeliveryUnsent(
  db: Kysely<Database>,
  key: DeliveryKey,
  outcome: "retry" | "failed" | "suppressed",
  error: string,
): Promise<void> {
  await db
    .updateTable("alert_deliveries")
    .set({ status: outcome, error: error.slice(0, 1000) })
    .where("alert_id", "=", key.alertId)
    .where("subscriber_id", "=", key.subscriberId)
    .where("channel", "=", key.channel)
    .execute();
}

export interface DeliveryCount {
  readonly channel: string;
  readonly priority: string;
  readonly status: string;
  readonly count: number;
}

/** Deliveries grouped by channel, alert priority and status; optionally only since an instant. */
export async function countDeliveries(db: Kysely<Database>, since?: Date): Promise<DeliveryCount[]> {
  let query = db
    .selectFrom("alert_deliveries as d")
    .innerJoin("alerts as a", "a.id", "d.alert_id")
    .select(["d.channel", "a.priority", "d.status", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy(["d.channel", "a.priority", "d.status"])
    .orderBy("d.channel")
    .orderBy("a.priority");
  if (since !== undefined) query = query.where("d.claimed_at", ">=", since);
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

export interface ThrottleQuery {
  readonly subscriberId: number;
  readonly channel: string;
  /** The signal being delivered. */
  readonly signalId: number;
  /** Same symbol and type sent for a bar less than this far (in bar time) from this one: cooldown. */
  readonly cooldownMs: number;
  /** Deliveries sent to this subscriber on this channel since this instant count toward the cap. */
  readonly capSince: Date;
}

export interface ThrottleState {
  /** A delivery of the same symbol and signal type, for a bar within the cooldown, was sent. */
  readonly inCooldown: boolean;
  /** Deliveries sent since `capSince`. */
  readonly sentRecently: number;
}

/** What this subscriber has recently been sent on this channel, for the alert throttle. */
export async function findThrottleState(db: Kysely<Database>, query: ThrottleQuery): Promise<ThrottleState> {
  const cooldown = `${Math.max(0, Math.round(query.cooldownMs))} milliseconds`;
  const result = await sql<{ in_cooldown: boolean; sent_recently: number }>`
    with current_signal as (select stock_id, timeframe, type, time from vpa_signals where id = ${query.signalId})
    select
      exists (
        select 1 from alert_deliveries d
        join alerts a on a.id = d.alert_id
        join vpa_signals s on s.id = a.signal_id
        join current_signal c on c.stock_id = s.stock_id and c.timeframe = s.timeframe and c.type = s.type
        where d.subscriber_id = ${query.subscriberId} and d.channel = ${query.channel} and d.status = 'sent'
          and s.id <> ${query.signalId}
          and s.time > c.time - ${cooldown}::interval and s.time < c.time + ${cooldown}::interval
      ) as in_cooldown,
      (select count(*)::int from alert_deliveries d
        where d.subscriber_id = ${query.subscriberId} and d.channel = ${query.channel}
          and d.status = 'sent' and d.sent_at >= ${query.capSince}) as sent_recently
  `.execute(db);
  const row = result.rows[0];
  return { inCooldown: row?.in_cooldown ?? false, sentRecently: row?.sent_recently ?? 0 };
}

export interface DeliveryQuery {
  readonly status?: DeliveryStatus;
  /** Only deliveries claimed at or after this instant. */
  readonly since?: Date;
  /** Default 50. */
  readonly limit?: number;
}

export interface DeliveryView {
  readonly alertId: number;
  readonly symbol: string;
  readonly signalType: string;
  readonly signalTime: Date;
  readonly priority: string;
  readonly channel: string;
  readonly address: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly error: string | null;
  readonly claimedAt: Date;
  readonly sentAt: Date | null;
}

/** Deliveries, newest first: what `vpa alerts` shows an operator (failed, uncertain, suppressed...). */
export async function listDeliveries(
  db: Kysely<Database>,
  query: DeliveryQuery = {},
): Promise<DeliveryView[]> {
  let select = db
    .selectFrom("alert_deliveries as d")
    .innerJoin("alerts as a", "a.id", "d.alert_id")
    .innerJoin("vpa_signals as s", "s.id", "a.signal_id")
    .innerJoin("stocks as st", "st.id", "s.stock_id")
    .innerJoin("subscribers as sb", "sb.id", "d.subscriber_id")
    .select([
      "d.alert_id",
      "st.symbol",
      "s.type",
      "s.time",
      "a.priority",
      "d.channel",
      "sb.address",
      "d.status",
      "d.attempts",
      "d.error",
      "d.claimed_at",
      "d.sent_at",
    ])
    .orderBy("d.claimed_at", "desc")
    .orderBy("d.id", "desc")
    .limit(query.limit ?? 50);
  if (query.status !== undefined) select = select.where("d.status", "=", query.status);
  if (query.since !== undefined) select = select.where("d.claimed_at", ">=", query.since);
  const rows = await select.execute();
  return rows.map((row) => ({
    alertId: row.alert_id,
    symbol: row.symbol,
    signalType: row.type,
    signalTime: row.time,
    priority: row.priority,
    channel: row.channel,
    address: row.address,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    claimedAt: row.claimed_at,
    sentAt: row.sent_at,
  }));
}
