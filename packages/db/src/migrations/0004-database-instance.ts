import { type Kysely, sql } from "kysely";

/**
 * A random id for this database, made once. Analyze job ids include it: they dedupe work per
 * symbol and bar in Redis, and a database dropped and recreated (same name, same Redis) must not
 * look "already analysed" to the queues. FROZEN once released.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table database_instance (
      singleton boolean primary key default true check (singleton),
      id uuid not null default gen_random_uuid(),
      created_at timestamptz not null default now()
    );
    insert into database_instance default values;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists database_instance`.execute(db);
}
