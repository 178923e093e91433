import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

/**
 * One round trip to PostgreSQL (`select 1`): for readiness checks and `vpa status`. Rejects with
 * the driver's error when the server does not answer; the caller bounds the wait.
 */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
