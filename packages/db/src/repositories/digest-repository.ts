import type { AlertPriority, Bias } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { dateToBarTime, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";

/** One line of a digest: a signal, as the subscriber reads it. */
export interface DigestItem {
  readonly symbol: string;
  readonly exchange: string | null;
  readonly signalType: string;
  readonly bias: Bias;
  readonly score: number;
  readonly priority: AlertPriority;
  /** Thousand VND. */
  readonly close: number;
  readonly volumeRatio: number | null;
  /** The bar, `YYYY-MM-DD` for daily bars. */
  readonly time: string;
}

export interface DigestDraft {
  readonly subscriberId: number;
  readonly channel: string;
  /** The strongest alerts first, at most the subscriber's `digest_top`. */
  readonly items: readonly DigestItem[];
  /** Every alert of the scan that matches the subscriber, shown or not. */
  readonly total: number;
}

/**
 * The next `limit` active subscribers in digest mode after `afterSubscriberId`, by id: the pages
 * a scan's digests are built in, so that a build holds one page of drafts at a time, not every
 * subscriber's (10,000 subscribers' drafts held at once ran a worker out of heap).
 */
export async function digestSubscriberPage(
  db: Kysely<Database>,
  afterSubscriberId: number,
  limit: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom("subscribers")
    .select("id")
    .where("is_active", "=", true)
    .where("delivery_mode", "=", "digest")
    .where("id", ">", afterSubscriberId)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * For each of `subscriberIds` that is active and in digest mode (a page of
 * {@link digestSubscriberPage}), the scan's non-HIGH alerts that match one of their subscriptions
 * (made before the alert), ranked by score: the top `digest_top` and the count. HIGH alerts are
 * not in digests: they went out at once.
 */
export async function draftDigests(
  db: Kysely<Database>,
  scanId: number,
  subscriberIds: readonly number[],
): Promise<DigestDraft[]> {
  const result = await sql<{
    subscriber_id: number;
    channel: string;
    total: number;
    symbol: string;
    exchange: string | null;
    type: string;
    bias: Bias;
    score: number;
    priority: AlertPriority;
    close: number;
    volume_ratio: number | null;
    time: Date;
    timeframe: string;
  }>`
    with matched as (
      select distinct sb.id as subscriber_id, sb.channel, sb.digest_top, a.id as alert_id
      from alerts a
      join vpa_signals s on s.id = a.signal_id
      join stocks st on st.id = s.stock_id
      join subscriptions sc on sc.is_active and sc.min_score <= s.score
        and (sc.symbols is null or st.symbol = any(sc.symbols))
        and (sc.signal_types is null or s.type = any(sc.signal_types))
        and sc.created_at <= a.created_at
      join subscribers sb on sb.id = sc.subscriber_id and sb.is_active and sb.delivery_mode = 'digest'
      where a.scan_id = ${scanId} and a.priority <> 'HIGH'
        and sb.id = any(${subscriberIds}::int4[])
    ), ranked as (
      select m.subscriber_id, m.channel, m.digest_top, s.*, st.symbol, st.exchange,
        row_number() over (partition by m.subscriber_id order by s.score desc, s.time desc, st.symbol) as rank,
        count(*) over (partition by m.subscriber_id)::int as total
      from matched m
      join alerts a on a.id = m.alert_id
      join vpa_signals s on s.id = a.signal_id
      join stocks st on st.id = s.stock_id
    )
    select subscriber_id, channel, total, symbol, exchange, type, bias, score, priority, close,
      volume_ratio, time, timeframe
    from ranked where rank <= digest_top
    order by subscriber_id, rank
  `.execute(db);
  const drafts = new Map<number, { channel: string; total: number; items: DigestItem[] }>();
  for (const row of result.rows) {
    let draft = drafts.get(row.subscriber_id);
    if (draft === undefined) {
      draft = { channel: row.channel, total: row.total, items: [] };
      drafts.set(row.subscriber_id, draft);
    }
    draft.items.push({
      symbol: row.symbol,
      exchange: row.exchange,
      signalType: row.type,
      bias: row.bias,
      score: row.score,
      priority: row.priority,
      close: row.close,
      volumeRatio: row.volume_ratio,
      time: dateToBarTime(row.time, row.timeframe as Timeframe),
    });
  }
  return [...drafts].map(([subscriberId, draft]) => ({ subscriberId, ...draft }));
}

/** Stores the digests of a scan (idempotent per scan and subscriber); returns their ids. */
export async function insertDigests(
  db: Kysely<Database>,
  scanId: number,
  drafts: readonly DigestDraft[],
): Promise<{ digestId: number; subscriberId: number; channel: string }[]> {
  if (drafts.length === 0) return [];
  // One JSON document for the page, not a text[] of one JSON each: node-postgres escapes every
  // element of an array parameter (two copies of each, then the literal built by concatenation),
  // and a page of 1,000 digests made that the alerts worker's largest allocation by far (bench/alerts).
  const page = JSON.stringify(drafts.map((d) => ({ s: d.subscriberId, i: d.items, t: d.total })));
  const result = await sql<{ id: number; subscriber_id: number }>`
    insert into digests (scan_id, subscriber_id, items, total)
    select ${scanId}, (d ->> 's')::int4, d -> 'i', (d ->> 't')::int4
    from jsonb_array_elements(${page}::jsonb) as d
    on conflict (scan_id, subscriber_id) do update set items = digests.items
    returning id, subscriber_id
  `.execute(db);
  const channels = new Map(drafts.map((d) => [d.subscriberId, d.channel]));
  return result.rows.map((row) => ({
    digestId: row.id,
    subscriberId: row.subscriber_id,
    channel: channels.get(row.subscriber_id) ?? "console",
  }));
}
