import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

/**
 * What the HTTP API records about the requests of its keys (migration 0012): which key created a
 * subscription, and which run a `POST /backtests` under an `Idempotency-Key` gave.
 */

/** Marks a subscription as created by a key (a second call for the same subscription changes nothing). */
export async function recordSubscriptionOwner(
  db: Kysely<Database>,
  subscriptionId: number,
  apiKeyId: number,
): Promise<void> {
  await db
    .insertInto("api_key_subscriptions")
    .values({ subscription_id: subscriptionId, api_key_id: apiKeyId })
    .onConflict((oc) => oc.column("subscription_id").doNothing())
    .execute();
}

export interface ApiSubscriptionView {
  readonly id: number;
  readonly subscriberId: number;
  readonly channel: string;
  readonly address: string;
  readonly symbols: string[] | null;
  readonly signalTypes: string[] | null;
  readonly minScore: number;
  /** The key that created it through the API; null when made another way (CLI, bot). */
  readonly apiKeyId: number | null;
  readonly createdAt: Date;
}

/** Active subscriptions, newest first: those of one key, or every one (`apiKeyId` null). */
export async function listApiSubscriptions(
  db: Kysely<Database>,
  query: { readonly apiKeyId: number | null; readonly id?: number },
): Promise<ApiSubscriptionView[]> {
  let select = db
    .selectFrom("subscriptions as sc")
    .innerJoin("subscribers as sb", "sb.id", "sc.subscriber_id")
    .leftJoin("api_key_subscriptions as o", "o.subscription_id", "sc.id")
    .select([
      "sc.id",
      "sc.subscriber_id",
      "sb.channel",
      "sb.address",
      "sc.symbols",
      "sc.signal_types",
      "sc.min_score",
      "o.api_key_id",
      "sc.created_at",
    ])
    .where("sc.is_active", "=", true)
    .orderBy("sc.id", "desc")
    .limit(500);
  if (query.apiKeyId !== null) select = select.where("o.api_key_id", "=", query.apiKeyId);
  if (query.id !== undefined) select = select.where("sc.id", "=", query.id);
  const rows = await select.execute();
  return rows.map((row) => ({
    id: row.id,
    subscriberId: row.subscriber_id,
    channel: row.channel,
    address: row.address,
    symbols: row.symbols,
    signalTypes: row.signal_types,
    minScore: row.min_score,
    apiKeyId: row.api_key_id,
    createdAt: row.created_at,
  }));
}

/** Deactivates one subscription (kept for the delivery history). False when it was not active. */
export async function deactivateSubscription(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db
    .updateTable("subscriptions")
    .set({ is_active: false })
    .where("id", "=", id)
    .where("is_active", "=", true)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface IdempotentBacktestRequest {
  readonly requestHash: string;
  readonly runId: string;
}

/** The run an earlier request of this key under this `Idempotency-Key` gave, if any. */
export async function findBacktestRequest(
  db: Kysely<Database>,
  apiKeyId: number,
  idempotencyKey: string,
): Promise<IdempotentBacktestRequest | undefined> {
  const row = await db
    .selectFrom("api_backtest_requests")
    .select(["request_hash", "run_id"])
    .where("api_key_id", "=", apiKeyId)
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirst();
  return row === undefined ? undefined : { requestHash: row.request_hash, runId: row.run_id };
}

/**
 * Records the run of a request under an `Idempotency-Key`. When two requests race, the first
 * recorded wins: the returned record is the stored one, which the caller compares with its own.
 */
export async function recordBacktestRequest(
  db: Kysely<Database>,
  input: { apiKeyId: number; idempotencyKey: string; requestHash: string; runId: string },
): Promise<IdempotentBacktestRequest> {
  await db
    .insertInto("api_backtest_requests")
    .values({
      api_key_id: input.apiKeyId,
      idempotency_key: input.idempotencyKey,
      request_hash: input.requestHash,
      run_id: input.runId,
    })
    .onConflict((oc) => oc.columns(["api_key_id", "idempotency_key"]).doNothing())
    .execute();
  const stored = await findBacktestRequest(db, input.apiKeyId, input.idempotencyKey);
  if (stored === undefined) throw new Error("backtest request vanished after it was recorded");
  return stored;
}
