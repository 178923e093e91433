import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

/**
 * The major version of the PostgreSQL server (`17`), as `vpa backup` needs it to pick a pg_dump
 * that accepts the server (pg_dump refuses a server newer than itself).
 */
export async function serverMajorVersion(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ major: number }>`
    select current_setting('server_version_num')::int / 10000 as major
  `.execute(db);
  return String(result.rows[0]?.major ?? "");
}
