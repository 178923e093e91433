import { type Kysely, sql } from "kysely";

/** Subscribers may be webhooks (address = the URL alerts are POSTed to). FROZEN once released. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table subscribers drop constraint subscribers_channel_check;
    alter table subscribers add constraint subscribers_channel_check
      check (channel in ('telegram', 'email', 'webhook', 'console'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from subscribers where channel = 'webhook';
    alter table subscribers drop constraint subscribers_channel_check;
    alter table subscribers add constraint subscribers_channel_check
      check (channel in ('telegram', 'email', 'console'));
  `.execute(db);
}
