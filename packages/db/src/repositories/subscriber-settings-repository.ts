import type { AlertPriority, Bias } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { dateToBarTime, type Timeframe } from "../bar-time.ts";
import type { Database, DeliveryMode } from "../schema.ts";
import type { DigestItem } from "./digest-repository.ts";
import type { SubscriberChannel } from "./subscriber-repository.ts";

/**
 * What a subscriber sets for themself, per (channel, address): how alerts reach them (a digest per
 * scan or each at once, and the digest's length), their language, a pause; and the signal types
 * of one of their subscriptions (the bot's /subscribe keyboard). The Telegram bot (/digest, /lang,
 * /pause, /resume) and `vpa subscribe` write them, `vpa subscribers` and /list show them, the
 * delivery job reads them (docs/delivery.md). Columns of migration 0009.
 *
 * Nothing here creates a subscriber: a setter returns undefined when there is none at that
 * address, and the caller says "subscribe first".
 *
 * Also what /top lists: the strongest alerts of the newest scan.
 */

export const SUBSCRIBER_LANGUAGES = ["vi", "en"] as const;
export type SubscriberLanguage = (typeof SUBSCRIBER_LANGUAGES)[number];

/** The range of `digest_top` (its check constraint): how many alerts a digest lists. */
export const DIGEST_TOP_RANGE = { min: 1, max: 50 } as const;

export interface SubscriberSettings {
  readonly subscriberId: number;
  readonly channel: SubscriberChannel;
  readonly address: string;
  readonly isActive: boolean;
  /** `digest` (default): a scan's non-HIGH alerts arrive as one digest; `instant`: each at once. */
  readonly deliveryMode: DeliveryMode;
  /** Alerts a digest lists before "and K more" (1–50, default 10). */
  readonly digestTop: number;
  /** null: the operator's ALERT_LANGUAGE. */
  readonly language: SubscriberLanguage | null;
  /** No alerts before this instant (they wait, and arrive then); null: not paused. */
  readonly pausedUntil: Date | null;
  /** Also the provisional alerts of forming intraday bars (vpa-signals.md §10); default false. */
  readonly live: boolean;
}

/** The settings to change; a field left out keeps its value. */
export interface SubscriberSettingsChange {
  readonly deliveryMode?: DeliveryMode;
  /** 1–50 ({@link DIGEST_TOP_RANGE}); anything else fails on the column's check constraint. */
  readonly digestTop?: number;
  readonly language?: SubscriberLanguage | null;
  readonly pausedUntil?: Date | null;
  readonly live?: boolean;
}

const SETTINGS_COLUMNS = [
  "id",
  "channel",
  "address",
  "is_active",
  "delivery_mode",
  "digest_top",
  "language",
  "paused_until",
  "live",
] as const;

function settingsOf(row: {
  id: number;
  channel: SubscriberChannel;
  address: string;
  is_active: boolean;
  delivery_mode: DeliveryMode;
  digest_top: number;
  language: SubscriberLanguage | null;
  paused_until: Date | null;
  live: boolean;
}): SubscriberSettings {
  return {
    subscriberId: row.id,
    channel: row.channel,
    address: row.address,
    isActive: row.is_active,
    deliveryMode: row.delivery_mode,
    digestTop: row.digest_top,
    language: row.language,
    pausedUntil: row.paused_until,
    live: row.live,
  };
}

/** The settings of the subscriber at this address (active or not), or undefined if there is none. */
export async function findSubscriberSettings(
  db: Kysely<Database>,
  channel: SubscriberChannel,
  address: string,
): Promise<SubscriberSettings | undefined> {
  const row = await db
    .selectFrom("subscribers")
    .select(SETTINGS_COLUMNS)
    .where("channel", "=", channel)
    .where("address", "=", address)
    .executeTakeFirst();
  return row === undefined ? undefined : settingsOf(row);
}

/** Every subscriber's settings, by subscriber id. */
export async function listSubscriberSettings(db: Kysely<Database>): Promise<SubscriberSettings[]> {
  const rows = await db.selectFrom("subscribers").select(SETTINGS_COLUMNS).orderBy("id").execute();
  return rows.map(settingsOf);
}

/**
 * Changes the settings of the subscriber at this address, active or not (a paused or unsubscribed
 * chat keeps its language for when it comes back). Returns the settings after the change, or
 * undefined when there is no subscriber there (nothing is created).
 *
 * @example
 * await updateSubscriberSettings(db, "telegram", "123456789", { deliveryMode: "instant", language: "en" });
 */
export async function updateSubscriberSettings(
  db: Kysely<Database>,
  channel: SubscriberChannel,
  address: string,
  change: SubscriberSettingsChange,
): Promise<SubscriberSettings | undefined> {
  const set = {
    ...(change.deliveryMode === undefined ? {} : { delivery_mode: change.deliveryMode }),
    ...(change.digestTop === undefined ? {} : { digest_top: change.digestTop }),
    ...(change.language === undefined ? {} : { language: change.language }),
    ...(change.pausedUntil === undefined ? {} : { paused_until: change.pausedUntil }),
    ...(change.live === undefined ? {} : { live: change.live }),
  };
  if (Object.keys(set).length === 0) return findSubscriberSettings(db, channel, address);
  const row = await db
    .updateTable("subscribers")
    .set(set)
    .where("channel", "=", channel)
    .where("address", "=", address)
    .returning(SETTINGS_COLUMNS)
    .executeTakeFirst();
  return row === undefined ? undefined : settingsOf(row);
}

/**
 * Deliveries still owed to this subscriber (`queued` or `retry`): during a pause their jobs wait
 * for its end, so a resume hands their ids to the queue to run now.
 */
export async function listOwedDeliveryIds(db: Kysely<Database>, subscriberId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("alert_deliveries")
    .select("id")
    .where("subscriber_id", "=", subscriberId)
    .where("status", "in", ["queued", "retry"])
    .orderBy("id")
    .execute();
  return rows.map((row) => row.id);
}

/** One active subscription, as its owner sees and edits it. */
export interface OwnSubscription {
  readonly subscriptionId: number;
  /** null: every symbol. Sorted. */
  readonly symbols: readonly string[] | null;
  /** null: every signal type. Sorted. */
  readonly signalTypes: readonly string[] | null;
  readonly minScore: number;
}

/**
 * An active subscription of the active subscriber at this address, or undefined: the id alone
 * proves nothing (a Telegram client can send any callback data), the address must own it.
 */
export async function findOwnSubscription(
  db: Kysely<Database>,
  channel: SubscriberChannel,
  address: string,
  subscriptionId: number,
): Promise<OwnSubscription | undefined> {
  const row = await db
    .selectFrom("subscriptions as sc")
    .innerJoin("subscribers as sb", "sb.id", "sc.subscriber_id")
    .select(["sc.id", "sc.symbols", "sc.signal_types", "sc.min_score"])
    .where("sb.channel", "=", channel)
    .where("sb.address", "=", address)
    .where("sb.is_active", "=", true)
    .where("sc.is_active", "=", true)
    .where("sc.id", "=", subscriptionId)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        subscriptionId: row.id,
        symbols: row.symbols,
        signalTypes: row.signal_types,
        minScore: row.min_score,
      };
}

/**
 * Sets the signal types of one of this address's active subscriptions (null: every type), in place:
 * the subscription keeps its creation time, so alerts already owed to it are unaffected. Returns
 * the subscription after the change, or undefined when this address has no such subscription.
 */
export async function setSubscriptionSignalTypes(
  db: Kysely<Database>,
  channel: SubscriberChannel,
  address: string,
  subscriptionId: number,
  signalTypes: readonly string[] | null,
): Promise<OwnSubscription | undefined> {
  const types = signalTypes === null || signalTypes.length === 0 ? null : [...new Set(signalTypes)].sort();
  const row = await db
    .updateTable("subscriptions as sc")
    .from("subscribers as sb")
    .set({ signal_types: types })
    .whereRef("sb.id", "=", "sc.subscriber_id")
    .where("sb.channel", "=", channel)
    .where("sb.address", "=", address)
    .where("sb.is_active", "=", true)
    .where("sc.is_active", "=", true)
    .where("sc.id", "=", subscriptionId)
    .returning(["sc.id", "sc.symbols", "sc.signal_types", "sc.min_score"])
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        subscriptionId: row.id,
        symbols: row.symbols,
        signalTypes: row.signal_types,
        minScore: row.min_score,
      };
}

/** The strongest signals of the newest scan, for /top. */
export interface LatestScanSignals {
  readonly scanId: number;
  readonly timeframe: string;
  readonly startedAt: Date;
  /** False while the scan's analyze jobs have not all finished (its digests not built yet). */
  readonly complete: boolean;
  /** Strongest first (score, then the newer bar, then the symbol), at most the limit asked for. */
  readonly items: readonly DigestItem[];
  /** Every alert of the scan. */
  readonly total: number;
}

/**
 * The newest scan (by when it started) and its alerts ranked by score: every alert of the scan,
 * whoever it went to, HIGH ones included. Undefined when no scan has run.
 */
export async function listStrongestSignalsOfLatestScan(
  db: Kysely<Database>,
  limit: number,
): Promise<LatestScanSignals | undefined> {
  const scan = await db
    .selectFrom("scans")
    .select(["id", "timeframe", "created_at", "digest_state"])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (scan === undefined) return undefined;
  const result = await sql<{
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
    total: number;
  }>`
    select st.symbol, st.exchange, s.type, s.bias, s.score, s.priority, s.close, s.volume_ratio, s.time,
      s.timeframe, count(*) over ()::int as total
    from alerts a
    join vpa_signals s on s.id = a.signal_id
    join stocks st on st.id = s.stock_id
    where a.scan_id = ${scan.id}
    order by s.score desc, s.time desc, st.symbol
    limit ${limit}
  `.execute(db);
  return {
    scanId: scan.id,
    timeframe: scan.timeframe,
    startedAt: scan.created_at,
    complete: scan.digest_state === "built",
    total: result.rows[0]?.total ?? 0,
    items: result.rows.map((row) => ({
      symbol: row.symbol,
      exchange: row.exchange,
      signalType: row.type,
      bias: row.bias,
      score: row.score,
      priority: row.priority,
      close: row.close,
      volumeRatio: row.volume_ratio,
      time: dateToBarTime(row.time, row.timeframe as Timeframe),
    })),
  };
}
