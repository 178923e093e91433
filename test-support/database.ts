import { randomBytes } from "node:crypto";
import { createDatabase, type DatabaseHandle, migrateToLatest } from "@vpa/db";
import pg from "pg";
import { inject } from "vitest";
import { DATABASE_TEMPLATE_KEY } from "./provided-context.ts";
import { recordTestDatabase } from "./test-resources.ts";
import { adminDatabaseUrl, TEST_SERVER_URL, urlWithDatabase } from "./test-servers.ts";

export { TEST_SERVER_URL } from "./test-servers.ts";

export interface TestDatabase extends DatabaseHandle {
  readonly url: string;
  readonly name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function withAdminClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A database name of its own, recorded for the leak check, for a test whose code under test
 * creates the database itself (`vpa services up` does): the file fails if it is still there after
 * the file's hooks.
 */
export function testDatabaseName(prefix = "vpa_test"): string {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  recordTestDatabase(name);
  return name;
}

/**
 * A fresh, migrated database of its own for one test file (graphile-worker's isolation rule):
 * a clone of the run's migrated template, or, without one, a new database migrated here. Recorded
 * for the leak check, which fails the file if it is still there after the file's hooks.
 */
export async function createTestDatabase(prefix = "vpa_test"): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const record = recordTestDatabase(name);
  const template = inject(DATABASE_TEMPLATE_KEY) ?? null;
  await withAdminClient((client) =>
    client.query(
      template === null ? `create database ${name}` : `create database ${name} template ${template}`,
    ),
  );
  const url = urlWithDatabase(TEST_SERVER_URL, name);
  const handle = createDatabase({ url, maxConnections: 8 });
  try {
    if (template === null) {
      await migrateToLatest(handle.db);
    } else {
      // A clone carries the template's database_instance id, which is meant to be one per database
      // (it keeps a recreated database's analyze job ids apart in a shared Redis): draw a new one,
      // as the migration that made the table did.
      await handle.pool.query("update database_instance set id = gen_random_uuid(), created_at = now()");
    }
  } catch (error) {
    await handle.close();
    await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
    throw error;
  }
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
      record.dropped = true;
    },
  };
}
