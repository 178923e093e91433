import { type Kysely, sql } from "kysely";
import type { Database, DeliveryStatus } from "../schema.ts";
import type { AlertPriority } from "./alert-repository.ts";
import type { QuietHours } from "./subscriber-repository.ts";

// One row per (alert or digest, subscriber, channel): the delivery ledger of docs/delivery.md.
// Rows are created `queued` when their alert or digest is fanned out, and each is then worked on by
// its own delivery job through its id. Every function below names the transition it makes.

/** What a delivery sends: one alert, or one subscriber's digest of a scan. */
export type DeliverySubject =
  | { readonly kind: "alert"; readonly alertId: number }
  | { readonly kind: "digest"; readonly digestId: number };

export interface DeliveryTarget {
  readonly subscriberId: number;
  readonly channel: string;
}

export interface OwedDelivery extends DeliveryTarget {
  readonly id: number;
}

/**
 * (none) → queued for each target of one subject; returns the deliveries of these targets that are
 * owed (`queued` or `retry`, new or from an earlier run), for the caller to give each a delivery job.
 */
export async function queueDeliveries(
  db: Kysely<Database>,
  subject: DeliverySubject,
  targets: readonly DeliveryTarget[],
): Promise<OwedDelivery[]> {
  if (targets.length === 0) return [];
  const alertId = subject.kind === "alert" ? subject.alertId : null;
  const digestId = subject.kind === "digest" ? subject.digestId : null;
  const result = await sql<{ id: number; subscriber_id: number; channel: string }>`
    with t as (
      select * from unnest(${targets.map((t) => t.subscriberId)}::int4[], ${targets.map((t) => t.channel)}::text[])
        as t(subscriber_id, channel)
    ), inserted as (
      insert into alert_deliveries (alert_id, digest_id, subscriber_id, channel, status, attempts)
      select ${alertId}::int8, ${digestId}::int8, subscriber_id, channel, 'queued', 0 from t
      on conflict do nothing
      returning id, subscriber_id, channel
    )
    select id, subscriber_id, channel from inserted
    union all
    select d.id, d.subscriber_id, d.channel from alert_deliveries d
    join t on t.subscriber_id = d.subscriber_id and t.channel = d.channel
    where d.status in ('queued', 'retry')
      and d.alert_id is not distinct from ${alertId}::int8 and d.digest_id is not distinct from ${digestId}::int8
  `.execute(db);
  return result.rows.map((row) => ({ id: row.id, subscriberId: row.subscriber_id, channel: row.channel }));
}

/** One digest delivery per (digest, subscriber, channel), queued in one statement for a whole scan. */
export async function queueDigestDeliveries(
  db: Kysely<Database>,
  rows: readonly (DeliveryTarget & { readonly digestId: number })[],
): Promise<OwedDelivery[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ id: number; subscriber_id: number; channel: string }>`
    with t as (
      select * from unnest(
        ${rows.map((r) => r.digestId)}::int8[], ${rows.map((r) => r.subscriberId)}::int4[], ${rows.map((r) => r.channel)}::text[]
      ) as t(digest_id, subscriber_id, channel)
    ), inserted as (
      insert into alert_deliveries (digest_id, subscriber_id, channel, status, attempts)
      select digest_id, subscriber_id, channel, 'queued', 0 from t
      on conflict do nothing
      returning id, subscriber_id, channel
    )
    select id, subscriber_id, channel from inserted
    union all
    select d.id, d.subscriber_id, d.channel from alert_deliveries d
    join t on t.digest_id = d.digest_id and t.subscriber_id = d.subscriber_id and t.channel = d.channel
    where d.status in ('queued', 'retry')
  `.execute(db);
  return result.rows.map((row) => ({ id: row.id, subscriberId: row.subscriber_id, channel: row.channel }));
}

export interface DeliveryRecipient {
  readonly id: number;
  readonly address: string;
  readonly isActive: boolean;
  readonly deactivatedReason: string | null;
  readonly quietHours: QuietHours | null;
  readonly language: "vi" | "en" | null;
  readonly pausedUntil: Date | null;
}

export interface DeliveryContext {
  readonly id: number;
  readonly status: DeliveryStatus;
  readonly channel: string;
  readonly recipient: DeliveryRecipient;
  readonly subject:
    | {
        readonly kind: "alert";
        readonly alertId: number;
        readonly signalId: number;
        readonly priority: AlertPriority;
      }
    | {
        readonly kind: "digest";
        readonly digestId: number;
        readonly scanId: number;
        readonly items: readonly unknown[];
        readonly total: number;
      };
}

/** Everything a delivery job needs about its row, recipient and subject, in one query. */
export async function loadDeliveryContext(
  db: Kysely<Database>,
  id: number,
): Promise<DeliveryContext | undefined> {
  const [context] = await loadDeliveryContexts(db, [id]);
  return context;
}

/**
 * {@link loadDeliveryContext} for several deliveries in one query (a burst's delivery jobs share
 * it): each id's context in the ids' order, undefined for an id with no row.
 */
export async function loadDeliveryContexts(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<(DeliveryContext | undefined)[]> {
  if (ids.length === 0) return [];
  const rows = await selectContexts(db, ids);
  const byId = new Map(rows.map((row) => [row.id, contextOf(row)] as const));
  return ids.map((id) => byId.get(id));
}

function selectContexts(db: Kysely<Database>, ids: readonly number[]) {
  return db
    .selectFrom("alert_deliveries as d")
    .innerJoin("subscribers as sb", "sb.id", "d.subscriber_id")
    .leftJoin("alerts as a", "a.id", "d.alert_id")
    .leftJoin("digests as dg", "dg.id", "d.digest_id")
    .select([
      "d.id",
      "d.status",
      "d.channel",
      "d.alert_id",
      "d.digest_id",
      "sb.id as subscriber_id",
      "sb.address",
      "sb.is_active",
      "sb.deactivated_reason",
      "sb.quiet_start",
      "sb.quiet_end",
      "sb.language",
      "sb.paused_until",
      "a.signal_id",
      "a.priority",
      "dg.scan_id",
      "dg.items",
      "dg.total",
    ])
    .where("d.id", "in", [...new Set(ids)])
    .execute();
}

function contextOf(row: Awaited<ReturnType<typeof selectContexts>>[number]): DeliveryContext {
  const recipient: DeliveryRecipient = {
    id: row.subscriber_id,
    address: row.address,
    isActive: row.is_active,
    deactivatedReason: row.deactivated_reason,
    quietHours:
      row.quiet_start === null || row.quiet_end === null
        ? null
        : { start: row.quiet_start, end: row.quiet_end },
    language: row.language,
    pausedUntil: row.paused_until,
  };
  const subject: DeliveryContext["subject"] =
    row.alert_id !== null
      ? {
          kind: "alert",
          alertId: row.alert_id,
          signalId: row.signal_id as number,
          priority: row.priority as AlertPriority,
        }
      : {
          kind: "digest",
          digestId: row.digest_id as number,
          scanId: row.scan_id as number,
          items: (row.items as unknown[] | null) ?? [],
          total: row.total ?? 0,
        };
  return { id: row.id, status: row.status, channel: row.channel, recipient, subject };
}

/**
 * What a claim found:
 * - `claimed`: this caller owns the send; it must end in markDeliverySent / markDeliveryUnsent.
 * - `already-sent`, `already-failed`, `already-settled` (suppressed or uncertain): nothing to do.
 * - `uncertain`: an earlier attempt claimed it and never reported back (a delivery job runs once
 *   at a time, so that attempt died between send and acknowledgement). It may or may not have gone
 *   out; now recorded `uncertain`, never resent.
 */
export type ClaimOutcome = "claimed" | "already-sent" | "already-failed" | "already-settled" | "uncertain";

/**
 * queued | retry → sending: the right to send, taken right before the send. The only way into
 * `sending`, so the single point that guarantees no duplicate.
 */
export async function claimDelivery(db: Kysely<Database>, id: number): Promise<ClaimOutcome> {
  const [outcome] = await claimDeliveries(db, [id]);
  return outcome as ClaimOutcome;
}

/**
 * {@link claimDelivery} for a burst of deliveries: one statement claims every owed one, and each
 * of the others is then resolved as it would be alone. An id given twice is claimed once: the
 * second is what a second claim of it would find (a claim in flight: `uncertain`).
 */
export async function claimDeliveries(db: Kysely<Database>, ids: readonly number[]): Promise<ClaimOutcome[]> {
  if (ids.length === 0) return [];
  const claimed = await sql<{ id: number }>`
    update alert_deliveries set status = 'sending', attempts = attempts + 1, claimed_at = now(), error = null
    where id = any(${[...new Set(ids)]}::int8[]) and status in ('queued', 'retry')
    returning id
  `.execute(db);
  // Each claimed row goes to the first request for it; a repeat finds it taken.
  const won = new Set(claimed.rows.map((row) => Number(row.id)));
  const outcomes: ClaimOutcome[] = [];
  for (const id of ids) {
    if (won.delete(id)) outcomes.push("claimed");
    else outcomes.push(await resolveUnclaimable(db, id));
  }
  return outcomes;
}

/** What a claim that took nothing found; sending → uncertain: a send whose outcome nobody recorded. */
async function resolveUnclaimable(db: Kysely<Database>, id: number): Promise<ClaimOutcome> {
  const existing = await sql<{ status: string }>`
    update alert_deliveries set status = case when status = 'sending' then 'uncertain' else status end,
      error = case when status = 'sending' then 'the worker died mid-send; not resent' else error end
    where id = ${id}
    returning status
  `.execute(db);
  const status = existing.rows[0]?.status;
  if (status === "sent") return "already-sent";
  if (status === "failed") return "already-failed";
  if (status === "uncertain") return "uncertain";
  return "already-settled";
}

/** sending → sent. */
export async function markDeliverySent(
  db: Kysely<Database>,
  id: number,
  providerMessageId: string | null,
): Promise<void> {
  await markDeliveriesSent(db, [{ id, providerMessageId }]);
}

/**
 * sending → sent for a burst of deliveries, and each one's alert marked sent on its channels. One
 * statement (one round trip, not a transaction's four): it runs on every send.
 */
export async function markDeliveriesSent(
  db: Kysely<Database>,
  sends: readonly { readonly id: number; readonly providerMessageId: string | null }[],
): Promise<void> {
  if (sends.length === 0) return;
  // An alert's channels are gathered first: an UPDATE … FROM takes one source row per target row,
  // so two channels of one alert settled together would otherwise record one of them.
  await sql`
    with sends as (
      select * from unnest(${sends.map((s) => s.id)}::int8[], ${sends.map((s) => s.providerMessageId)}::text[])
        as s(id, provider_message_id)
    ), sent as (
      update alert_deliveries d set status = 'sent', sent_at = now(), provider_message_id = sends.provider_message_id
      from sends
      where d.id = sends.id
      returning d.alert_id, d.channel
    ), per_alert as (
      select alert_id, array_agg(distinct channel) as channels from sent group by alert_id
    )
    update alerts set is_sent = true, sent_at = coalesce(alerts.sent_at, now()),
      channels_sent = alerts.channels_sent
        || array(select c from unnest(per_alert.channels) as c where c <> all(alerts.channels_sent))
    from per_alert
    where alerts.id = per_alert.alert_id
  `.execute(db);
}

/**
 * sending → retry | failed | uncertain, or queued | retry → failed (a recipient deactivated before
 * the send): a delivery that did not (or may not) have gone out. `retry`: known not delivered;
 * `failed`: permanent; `uncertain`: the request reached the provider and no answer came back.
 */
export async function markDeliveryUnsent(
  db: Kysely<Database>,
  id: number,
  outcome: "retry" | "failed" | "uncertain",
  error: string,
): Promise<void> {
  await db
    .updateTable("alert_deliveries")
    .set({ status: outcome, error: error.slice(0, 1000) })
    .where("id", "=", id)
    .execute();
}

/** queued | retry → suppressed: the throttle held it back (final). False if it was settled meanwhile. */
export async function suppressDelivery(db: Kysely<Database>, id: number, reason: string): Promise<boolean> {
  const result = await db
    .updateTable("alert_deliveries")
    .set({ status: "suppressed", error: reason.slice(0, 1000) })
    .where("id", "=", id)
    .where("status", "in", ["queued", "retry"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * sending → uncertain for claims older than `olderThanMs`: their worker died (or lost its
 * connection) between the send and the write of its outcome. The bound must exceed the longest a
 * live send can take (the channel time-out), so a send still in flight is never touched.
 */
export async function resolveStaleSending(db: Kysely<Database>, olderThanMs: number): Promise<number> {
  const result = await db
    .updateTable("alert_deliveries")
    .set({
      status: "uncertain",
      error: sql<string>`coalesce(error || '; ', '') || 'claimed ' || ${Math.round(olderThanMs / 1000)}::text || ' s ago and never reported back: the worker died mid-send'`,
    })
    .where("status", "=", "sending")
    .where("claimed_at", "<", new Date(Date.now() - olderThanMs))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface OwedDeliveryRef {
  readonly id: number;
  /** HIGH, MEDIUM, LOW, or DIGEST: the delivery job's priority. */
  readonly priority: AlertPriority | "DIGEST";
}

/**
 * Owed deliveries (queued or retry) last touched before `olderThanMs` ago, in id order after
 * `afterId`: the sweeper walks them in pages so that, over a few sweeps, every one is looked at.
 */
export async function findOwedDeliveries(
  db: Kysely<Database>,
  query: { readonly afterId: number; readonly olderThanMs: number; readonly limit: number },
): Promise<OwedDeliveryRef[]> {
  const rows = await db
    .selectFrom("alert_deliveries as d")
    .leftJoin("alerts as a", "a.id", "d.alert_id")
    .select(["d.id", sql<AlertPriority | "DIGEST">`coalesce(a.priority, 'DIGEST')`.as("priority")])
    .where("d.status", "in", ["queued", "retry"])
    .where("d.id", ">", query.afterId)
    .where("d.claimed_at", "<", new Date(Date.now() - query.olderThanMs))
    .orderBy("d.id")
    .limit(query.limit)
    .execute();
  return rows;
}

export const REQUEUEABLE_STATUSES = ["retry", "failed", "uncertain", "suppressed"] as const;
export type RequeueableStatus = (typeof REQUEUEABLE_STATUSES)[number];

/**
 * An operator's `vpa alerts retry`: the deliveries in the given statuses (claimed since `since`)
 * become `retry` again, and alerts that gave up before their fan-out `pending`. Returns both, for
 * the caller to give each a job. `uncertain` is requeued only when asked for by name: it may have
 * been delivered, so requeueing it may send a duplicate.
 */
export async function requeueDeliveries(
  db: Kysely<Database>,
  query: { readonly statuses: readonly RequeueableStatus[]; readonly since?: Date },
): Promise<{ deliveries: OwedDeliveryRef[]; alerts: { signalId: number; priority: AlertPriority }[] }> {
  const since = query.since ?? new Date(0);
  return db.transaction().execute(async (trx) => {
    const deliveries = await sql<{ id: number; priority: AlertPriority | "DIGEST" }>`
      update alert_deliveries d set status = 'retry',
        error = 'requeued by vpa alerts retry (was ' || d.status || '): ' || coalesce(d.error, '')
      where d.status = any(${[...query.statuses]}::text[]) and d.claimed_at >= ${since}
      returning d.id, coalesce((select a.priority from alerts a where a.id = d.alert_id), 'DIGEST') as priority
    `.execute(trx);
    const alerts = await sql<{ signal_id: number; priority: AlertPriority }>`
      update alerts set state = 'pending', settled_at = null
      where state = 'gave_up' and created_at >= ${since}
      returning signal_id, priority
    `.execute(trx);
    return {
      deliveries: deliveries.rows,
      alerts: alerts.rows.map((row) => ({ signalId: row.signal_id, priority: row.priority })),
    };
  });
}
