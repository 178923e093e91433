import { type Kysely, sql } from "kysely";

/**
 * The deliveries still owed, by chat (subscriber and channel). FROZEN once released.
 *
 * An alert's fan-out counts, for each chat it reaches, the HIGH alerts that chat is still owed:
 * a chat with fewer goes first (runtime `highDeliveryPriority`). Partial: only owed rows, a few
 * thousand at most, while the table keeps every delivery ever made.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index alert_deliveries_owed_by_chat_idx on alert_deliveries (subscriber_id, channel)
    where status in ('queued', 'retry')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists alert_deliveries_owed_by_chat_idx`.execute(db);
}
