import { type Kysely, sql } from "kysely";
import { DatabaseNotMigratedError } from "../database-not-migrated-error.ts";
import type { Database } from "../schema.ts";

const cache = new WeakMap<object, Promise<string>>();

/**
 * This database's instance id (8 hex characters of the uuid made by migration 0004), read once per
 * pool. Goes into analyze job ids so that a recreated database is never mistaken for one whose
 * bars were already analysed.
 */
export function databaseInstanceId(db: Kysely<Database>): Promise<string> {
  let id = cache.get(db);
  if (id === undefined) {
    id = sql<{ id: string }>`select id::text as id from database_instance`.execute(db).then((result) => {
      const value = result.rows[0]?.id;
      if (value === undefined) throw new DatabaseNotMigratedError("instance id (database_instance is empty)");
      return value.replace(/-/g, "").slice(0, 8);
    });
    id.catch(() => cache.delete(db));
    cache.set(db, id);
  }
  return id;
}
