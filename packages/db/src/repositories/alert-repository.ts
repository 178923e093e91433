import type { AlertPriority } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { dateToBarTime, type Timeframe } from "../bar-time.ts";
import type { AlertState, Database, DeliveryStatus } from "../schema.ts";
import type { OwedDelivery } from "./delivery-repository.ts";
import { type SignalMatch, selectRecipients } from "./subscriber-repository.ts";

// The alert ledger and its state machine are documented in docs/delivery.md; every transition
// below names the one it makes. The invariant they keep together: a recipient is never sent the
// same alert twice by us, and an owed delivery is never silently dropped — it ends `sent`,
// `failed`, `suppressed` or `uncertain` (each visible in `vpa alerts`), or stays owed.

export type { AlertPriority };

export interface OwedAlert {
  readonly signalId: number;
  readonly priority: AlertPriority;
}

/**
 * Records that these signals' alerts are owed (state `pending`), unless they already have an
 * alert, and returns those of them whose alert is still pending: the caller enqueues one alert
 * job each (job ids dedupe). Called by the analyze job right after it stores the signals, so an
 * alert exists before any job does, and the sweeper can find one whose job was lost.
 */
export async function createPendingAlerts(
  db: Kysely<Database>,
  alerts: readonly OwedAlert[],
  /** The scan whose analyze job stored these signals: its digests gather their non-HIGH alerts. */
  scanId: number | null = null,
): Promise<OwedAlert[]> {
  if (alerts.length === 0) return [];
  const result = await sql<{ signal_id: number; priority: AlertPriority }>`
    with owed as (
      select * from unnest(${alerts.map((a) => a.signalId)}::int8[], ${alerts.map((a) => a.priority)}::text[])
        as o(signal_id, priority)
    ), inserted as (
      insert into alerts (signal_id, priority, state, scan_id)
      select signal_id, priority, 'pending', ${scanId}::int8 from owed
      on conflict (signal_id) do nothing
      returning signal_id, priority
    )
    select signal_id, priority from inserted
    union
    select a.signal_id, a.priority from alerts a join owed o on o.signal_id = a.signal_id where a.state = 'pending'
  `.execute(db);
  return result.rows.map((row) => ({ signalId: row.signal_id, priority: row.priority }));
}

export interface AlertInput {
  readonly signalId: number;
  readonly priority: AlertPriority;
  /** The plain-text rendering, kept for the record and for `vpa alerts`. */
  readonly message: string;
}

export interface AlertStart {
  readonly id: number;
  readonly state: AlertState;
  readonly createdAt: Date;
  /**
   * The scan whose digest gathers it (its non-HIGH recipients in digest mode read it there), or
   * null: no scan, or the scan's digests were built before this alert existed (an analyze job that
   * finished after the digest stopped waiting), so it must go out on its own.
   */
  readonly scanId: number | null;
}

/**
 * The alert job's first step: the alert of a signal (created pending if the analyze job did not
 * create it, e.g. a job enqueued by hand) with its rendered message filled in.
 */
export async function startAlert(db: Kysely<Database>, input: AlertInput): Promise<AlertStart> {
  const row = await sql<{ id: number; state: AlertState; created_at: Date; scan_id: number | null }>`
    with started as (
      insert into alerts (signal_id, priority, message, state)
      values (${input.signalId}, ${input.priority}, ${input.message}, 'pending')
      on conflict (signal_id) do update set message = coalesce(alerts.message, excluded.message)
      returning id, state, created_at, scan_id
    )
    select a.id, a.state, a.created_at,
      case when sc.built_at is not null and sc.built_at < a.created_at then null else a.scan_id end as scan_id
    from started a left join scans sc on sc.id = a.scan_id
  `.execute(db);
  const alert = row.rows[0];
  if (alert === undefined) throw new Error(`alert for signal ${input.signalId} could not be created`);
  return { id: alert.id, state: alert.state, createdAt: alert.created_at, scanId: alert.scan_id };
}

export interface AlertFanOutInput extends AlertInput {
  /** What subscriptions match: the signal's symbol, type and score. */
  readonly match: Omit<SignalMatch, "subscribedBefore">;
  /** Every recipient gets it now (a HIGH alert), not only those in instant mode or with no digest coming. */
  readonly everyoneNow: boolean;
}

export interface AlertFanOut {
  readonly alert: AlertStart;
  /** Every subscriber and channel the signal matches (none unless the alert is pending). */
  readonly recipients: number;
  /** Of them, those who get it now; the rest read it in their digest of the scan. */
  readonly instant: number;
  /**
   * The first {@link FAN_OUT_OWED_PAGE} deliveries owed now (`queued` or `retry`, new or from an
   * earlier run), by id: each needs its job. The rest: {@link findOwedFanOutDeliveries}.
   */
  readonly owed: OwedFanOutDelivery[];
  /** All deliveries owed now, `owed` included. */
  readonly owedTotal: number;
}

/**
 * Owed deliveries one fan-out statement answers per alert. A HIGH alert to a whole market's
 * subscribers owes one delivery each (5,800 of 10,000 subscribers in bench/alerts), and a scan
 * fans out dozens at once: answered whole, a batch's rows, their JSON and their jobs held
 * ~200,000 of them in one worker's heap at once (a 128 MB heap ran out). Paged, a fan-out holds
 * one page at a time, whatever the number of subscribers.
 */
export const FAN_OUT_OWED_PAGE = 1_000;

export interface OwedFanOutDelivery extends OwedDelivery {
  /**
   * HIGH alerts this chat (subscriber and channel) is still owed from other alerts, and those of
   * the same batch that come before this one (by alert id); 0 for an alert that is not HIGH
   * (its priority does not depend on it). A chat with fewer goes first (runtime
   * `highDeliveryPriority`), so a one-symbol subscriber's HIGH alert does not wait behind a
   * whole-market subscriber's backlog at Telegram's 30 messages a second.
   */
  readonly highOwedBefore: number;
}

/**
 * The alert jobs' fan-out in one statement, for one or many alerts: for each, {@link startAlert},
 * then, if the alert is still pending, its recipients (those subscribed before it was created)
 * and a `queued` delivery for each who gets it now (queueDeliveries' rule: rows are unique, a
 * re-run adds nothing twice). One round trip for a whole burst: a bar close of the live stream
 * fans out dozens of signals at once, and under that burst each round trip waited 5-30 ms for
 * PostgreSQL (bench/live). Who gets it now: everyone when `everyoneNow`, else subscribers in
 * instant mode, or all when no scan digest will gather it (`scanId` null).
 *
 * Answers one {@link AlertFanOut} per input, in the inputs' order; the signal ids must differ
 * (one row of `alerts` per signal: PostgreSQL refuses to upsert the same row twice in one
 * statement).
 */
export async function startAlertFanOuts(
  db: Kysely<Database>,
  inputs: readonly AlertFanOutInput[],
): Promise<AlertFanOut[]> {
  if (inputs.length === 0) return [];
  if (new Set(inputs.map((i) => i.signalId)).size !== inputs.length)
    throw new RangeError("startAlertFanOuts: each signal at most once per call");
  // Run once per pending alert (a lateral join on `alert a`): the matching rule stays in one place.
  const recipients = selectRecipients(
    db,
    {
      symbol: sql.ref<string>("a.symbol"),
      type: sql.ref<string>("a.type"),
      score: sql.ref<number>("a.score"),
    },
    sql.ref<Date>("a.created_at"),
  );
  const result = await sql<{
    signal_id: number;
    id: number;
    state: AlertState;
    created_at: Date;
    scan_id: number | null;
    recipients: number;
    instant: number;
    owed_total: number;
    owed: [number, number, string, number][];
  }>`
    with input as (
      select * from unnest(
        ${inputs.map((i) => i.signalId)}::int8[], ${inputs.map((i) => i.priority)}::text[],
        ${inputs.map((i) => i.message)}::text[], ${inputs.map((i) => i.match.symbol)}::text[],
        ${inputs.map((i) => i.match.type)}::text[], ${inputs.map((i) => i.match.score)}::int2[],
        ${inputs.map((i) => i.everyoneNow)}::bool[]
      ) as i(signal_id, priority, message, symbol, type, score, everyone_now)
    ), started as (
      insert into alerts (signal_id, priority, message, state)
      select signal_id, priority, message, 'pending' from input
      on conflict (signal_id) do update set message = coalesce(alerts.message, excluded.message)
      returning id, signal_id, state, created_at, scan_id
    ), alert as (
      select a.id, a.signal_id, a.state, a.created_at,
        case when sc.built_at is not null and sc.built_at < a.created_at then null else a.scan_id end as scan_id,
        i.symbol, i.type, i.score, i.everyone_now, i.priority
      from started a join input i on i.signal_id = a.signal_id left join scans sc on sc.id = a.scan_id
    ), recipients as (
      select a.id as alert_id, r.id as subscriber_id, r.channel, r.delivery_mode
      from alert a cross join lateral (${recipients}) r
      where a.state = 'pending'
    ), targets as (
      select r.alert_id, r.subscriber_id, r.channel from recipients r join alert a on a.id = r.alert_id
      where a.everyone_now or a.scan_id is null or r.delivery_mode = 'instant'
    ), inserted as (
      insert into alert_deliveries (alert_id, subscriber_id, channel, status, attempts)
      select alert_id, subscriber_id, channel, 'queued', 0 from targets
      order by alert_id, subscriber_id, channel -- ids in recipient order within each alert
      on conflict do nothing
      returning id, alert_id, subscriber_id, channel
    ), owed as (
      select id, alert_id, subscriber_id, channel from inserted
      union all
      select d.id, d.alert_id, d.subscriber_id, d.channel from alert_deliveries d
      join targets t on t.alert_id = d.alert_id and t.subscriber_id = d.subscriber_id and t.channel = d.channel
      where d.status in ('queued', 'retry')
    ), high_targets as (
      select t.alert_id, t.subscriber_id, t.channel
      from targets t join alert a on a.id = t.alert_id
      where a.priority = 'HIGH'
    ), backlog as (
      -- HIGH deliveries a chat of a HIGH alert is owed from other alerts. The statement's snapshot:
      -- the rows inserted above are not in it, and these alerts' own rows from an earlier run are
      -- left out.
      select d.subscriber_id, d.channel, count(*)::int as n
      from alert_deliveries d join alerts x on x.id = d.alert_id
      where d.status in ('queued', 'retry') and x.priority = 'HIGH'
        and (d.subscriber_id, d.channel) in (select subscriber_id, channel from high_targets)
        and d.alert_id not in (select id from alert)
      group by d.subscriber_id, d.channel
    ), batch_ahead as (
      -- And the HIGH alerts of this batch before this one (a bar close fans out its HIGH alerts together).
      select alert_id, subscriber_id, channel,
        (row_number() over (partition by subscriber_id, channel order by alert_id) - 1)::int as n
      from high_targets
    )
    select a.signal_id, a.id, a.state, a.created_at, a.scan_id,
      (select count(*) from recipients r where r.alert_id = a.id)::int as recipients,
      (select count(*) from targets t where t.alert_id = a.id)::int as instant,
      (select count(*) from owed o where o.alert_id = a.id)::int as owed_total,
      coalesce((select json_agg(json_build_array(p.id, p.subscriber_id, p.channel,
          case when a.priority = 'HIGH' then coalesce(b.n, 0) + coalesce(ba.n, 0) else 0 end) order by p.id)
        from (select * from owed o where o.alert_id = a.id order by o.id limit ${FAN_OUT_OWED_PAGE}) p
        left join backlog b on b.subscriber_id = p.subscriber_id and b.channel = p.channel
        left join batch_ahead ba
          on ba.alert_id = p.alert_id and ba.subscriber_id = p.subscriber_id and ba.channel = p.channel
        ), '[]') as owed
    from alert a
  `.execute(db);
  const bySignal = new Map(result.rows.map((row) => [Number(row.signal_id), row]));
  return inputs.map((input) => {
    const row = bySignal.get(input.signalId);
    if (row === undefined) throw new Error(`alert for signal ${input.signalId} could not be created`);
    return {
      alert: { id: row.id, state: row.state, createdAt: row.created_at, scanId: row.scan_id },
      recipients: row.recipients,
      instant: row.instant,
      owedTotal: row.owed_total,
      owed: row.owed.map(([id, subscriberId, channel, highOwedBefore]) => ({
        id,
        subscriberId,
        channel,
        highOwedBefore,
      })),
    };
  });
}

/**
 * The next page of an alert's owed deliveries after `afterId` (by id), for a fan-out larger than
 * the page {@link startAlertFanOuts} answers. `highOwedBefore` (a HIGH alert's only) counts the
 * HIGH deliveries the chat is owed from alerts created before this one: the same rule as the
 * first page's (other alerts' backlog and the batch's earlier alerts), except that an alert
 * created after this one and fanned out before it is not counted.
 */
export async function findOwedFanOutDeliveries(
  db: Kysely<Database>,
  query: {
    readonly alertId: number;
    readonly high: boolean;
    readonly afterId: number;
    readonly limit: number;
  },
): Promise<OwedFanOutDelivery[]> {
  const rows = await sql<{ id: number; subscriber_id: number; channel: string; high_owed_before: number }>`
    with page as (
      select d.id, d.alert_id, d.subscriber_id, d.channel from alert_deliveries d
      where d.alert_id = ${query.alertId} and d.status in ('queued', 'retry') and d.id > ${query.afterId}
      order by d.id limit ${query.limit}
    )
    select p.id, p.subscriber_id, p.channel,
      case when ${query.high} then (
        select count(*) from alert_deliveries o join alerts x on x.id = o.alert_id
        where o.subscriber_id = p.subscriber_id and o.channel = p.channel
          and o.status in ('queued', 'retry') and x.priority = 'HIGH' and o.alert_id < p.alert_id
      ) else 0 end::int as high_owed_before
    from page p order by p.id
  `.execute(db);
  return rows.rows.map((row) => ({
    id: Number(row.id),
    subscriberId: Number(row.subscriber_id),
    channel: row.channel as OwedFanOutDelivery["channel"],
    highOwedBefore: row.high_owed_before,
  }));
}

/** {@link startAlertFanOuts} for one alert. */
export async function startAlertFanOut(db: Kysely<Database>, input: AlertFanOutInput): Promise<AlertFanOut> {
  const [fanOut] = await startAlertFanOuts(db, [input]);
  return fanOut as AlertFanOut;
}

/** Creates the alert of a signal unless it exists; returns its id either way. */
export async function ensureAlert(db: Kysely<Database>, input: AlertInput): Promise<number> {
  return (await startAlert(db, input)).id;
}

/**
 * pending → done | gave_up. `done`: the alert is fanned out, every owed delivery is a row (and has
 * its delivery job). `gave_up`: the fan-out's retry budget ran out; `vpa alerts retry` owes it again.
 */
export async function settleAlert(
  db: Kysely<Database>,
  alertId: number,
  state: "done" | "gave_up",
  error: string | null = null,
): Promise<void> {
  await settleAlerts(db, [alertId], state, error);
}

/** {@link settleAlert} for several alerts in one statement (a burst's fan-outs). */
export async function settleAlerts(
  db: Kysely<Database>,
  alertIds: readonly number[],
  state: "done" | "gave_up",
  error: string | null = null,
): Promise<void> {
  if (alertIds.length === 0) return;
  await db
    .updateTable("alerts")
    .set({ state, settled_at: new Date(), last_error: error === null ? null : error.slice(0, 1000) })
    .where("id", "in", alertIds)
    .where("state", "=", "pending")
    .execute();
}

/** pending → gave_up for the alert of a signal (its job ran out of retry budget). */
export async function giveUpAlertOfSignal(
  db: Kysely<Database>,
  signalId: number,
  error: string,
): Promise<void> {
  await db
    .updateTable("alerts")
    .set({ state: "gave_up", settled_at: new Date(), last_error: error.slice(0, 1000) })
    .where("signal_id", "=", signalId)
    .where("state", "=", "pending")
    .execute();
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

export interface PendingAlert extends OwedAlert {
  readonly alertId: number;
  readonly createdAt: Date;
}

/** Alerts still owed that were created before `olderThanMs` ago, oldest first: the sweeper's work list. */
export async function findPendingAlerts(
  db: Kysely<Database>,
  query: { readonly olderThanMs: number; readonly limit: number },
): Promise<PendingAlert[]> {
  const rows = await db
    .selectFrom("alerts")
    .select(["id", "signal_id", "priority", "created_at"])
    .where("state", "=", "pending")
    .where("created_at", "<", new Date(Date.now() - query.olderThanMs))
    .orderBy("created_at")
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    alertId: row.id,
    signalId: row.signal_id,
    priority: row.priority,
    createdAt: row.created_at,
  }));
}

export interface OpenWork {
  /** Alerts owed whose job should have finished by now (created before `staleMs` ago). */
  readonly stalePendingAlerts: number;
  readonly gaveUpAlerts: number;
  readonly retryDeliveries: number;
  readonly uncertainDeliveries: number;
  readonly failedDeliveries: number;
  /** Claims older than `staleMs`: a worker died mid-send and the sweeper has not resolved it yet. */
  readonly staleSending: number;
}

/** What an operator must look at: work that is stuck or that ended badly (`vpa status`). */
export async function countOpenWork(db: Kysely<Database>, staleMs: number): Promise<OpenWork> {
  const before = new Date(Date.now() - staleMs);
  const result = await sql<{
    stale_pending: number;
    gave_up: number;
    retry: number;
    uncertain: number;
    failed: number;
    stale_sending: number;
  }>`
    select
      (select count(*)::int from alerts where state = 'pending' and created_at < ${before}) as stale_pending,
      (select count(*)::int from alerts where state = 'gave_up') as gave_up,
      (select count(*)::int from alert_deliveries where status = 'retry') as retry,
      (select count(*)::int from alert_deliveries where status = 'uncertain') as uncertain,
      (select count(*)::int from alert_deliveries where status = 'failed') as failed,
      (select count(*)::int from alert_deliveries where status = 'sending' and claimed_at < ${before}) as stale_sending
  `.execute(db);
  const row = result.rows[0];
  return {
    stalePendingAlerts: row?.stale_pending ?? 0,
    gaveUpAlerts: row?.gave_up ?? 0,
    retryDeliveries: row?.retry ?? 0,
    uncertainDeliveries: row?.uncertain ?? 0,
    failedDeliveries: row?.failed ?? 0,
    staleSending: row?.stale_sending ?? 0,
  };
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
    .leftJoin("alerts as a", "a.id", "d.alert_id")
    .select([
      "d.channel",
      sql<string>`coalesce(a.priority, 'DIGEST')`.as("priority"),
      "d.status",
      (eb) => eb.fn.countAll<number>().as("count"),
    ])
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
  const [state] = await findThrottleStates(db, [query]);
  return state as ThrottleState;
}

/** {@link findThrottleState} for a burst of deliveries in one query, in the queries' order. */
export async function findThrottleStates(
  db: Kysely<Database>,
  queries: readonly ThrottleQuery[],
): Promise<ThrottleState[]> {
  if (queries.length === 0) return [];
  const column = <T>(of: (query: ThrottleQuery) => T) => queries.map(of);
  const result = await sql<{ in_cooldown: boolean; sent_recently: number }>`
    with q as (
      select * from unnest(
        ${column((q) => q.subscriberId)}::int4[], ${column((q) => q.channel)}::text[],
        ${column((q) => q.signalId)}::int8[], ${column((q) => Math.max(0, Math.round(q.cooldownMs)))}::int8[],
        ${column((q) => q.capSince)}::timestamptz[]
      ) with ordinality as q(subscriber_id, channel, signal_id, cooldown_ms, cap_since, n)
    )
    select
      exists (
        select 1 from vpa_signals c
        join vpa_signals s on s.stock_id = c.stock_id and s.timeframe = c.timeframe and s.type = c.type
        join alerts a on a.signal_id = s.id
        join alert_deliveries d on d.alert_id = a.id
        where c.id = q.signal_id
          and d.subscriber_id = q.subscriber_id and d.channel = q.channel and d.status = 'sent'
          and s.id <> q.signal_id
          and s.time > c.time - q.cooldown_ms * interval '1 millisecond'
          and s.time < c.time + q.cooldown_ms * interval '1 millisecond'
      ) as in_cooldown,
      (select count(*)::int from alert_deliveries d
        where d.subscriber_id = q.subscriber_id and d.channel = q.channel
          and d.status = 'sent' and d.sent_at >= q.cap_since) as sent_recently
    from q
    order by q.n
  `.execute(db);
  return result.rows.map((row) => ({ inCooldown: row.in_cooldown, sentRecently: row.sent_recently }));
}

export interface DeliveryQuery {
  readonly status?: DeliveryStatus;
  /** Only deliveries claimed at or after this instant. */
  readonly since?: Date;
  /** Default 50. */
  readonly limit?: number;
}

export interface DeliveryView {
  readonly id: number;
  /** The alert this delivery sends, or null for a digest. */
  readonly alertId: number | null;
  readonly digestId: number | null;
  /** The signal's symbol, or `DIGEST`. */
  readonly symbol: string;
  /** The signal type, or how many alerts the digest gathers (`12 alerts`). */
  readonly signalType: string;
  readonly signalTime: Date | null;
  /** The signal's bar as its notation (`YYYY-MM-DD` for daily bars, an instant with +07:00 otherwise); "" for a digest. */
  readonly barTime: string;
  /** HIGH, MEDIUM, LOW, or DIGEST. */
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
    .leftJoin("alerts as a", "a.id", "d.alert_id")
    .leftJoin("vpa_signals as s", "s.id", "a.signal_id")
    .leftJoin("stocks as st", "st.id", "s.stock_id")
    .leftJoin("digests as dg", "dg.id", "d.digest_id")
    .innerJoin("subscribers as sb", "sb.id", "d.subscriber_id")
    .select([
      "d.id",
      "d.alert_id",
      "d.digest_id",
      sql<string>`coalesce(st.symbol, 'DIGEST')`.as("symbol"),
      sql<string>`coalesce(s.type, dg.total::text || ' alerts')`.as("type"),
      "s.time",
      "s.timeframe",
      sql<string>`coalesce(a.priority, 'DIGEST')`.as("priority"),
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
    id: row.id,
    alertId: row.alert_id,
    digestId: row.digest_id,
    symbol: row.symbol,
    signalType: row.type,
    signalTime: row.time,
    barTime:
      row.time === null || row.timeframe === null ? "" : dateToBarTime(row.time, row.timeframe as Timeframe),
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

/** How many deliveries `listDeliveries` would show without its limit (so a listing can say "50 of 1,204"). */
export async function countListedDeliveries(
  db: Kysely<Database>,
  query: Omit<DeliveryQuery, "limit"> = {},
): Promise<number> {
  let select = db.selectFrom("alert_deliveries as d").select((eb) => eb.fn.countAll<number>().as("count"));
  if (query.status !== undefined) select = select.where("d.status", "=", query.status);
  if (query.since !== undefined) select = select.where("d.claimed_at", ">=", query.since);
  const row = await select.executeTakeFirst();
  return Number(row?.count ?? 0);
}
