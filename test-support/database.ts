import { randomBytes } from "node:crypto";
import { createDatabase, type DatabaseHandle, migrateToLatest } from "@vpa/db";
import pg from "pg";

/** The server tests use: DATABASE_URL's server, or the local default. */
export const TEST_SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase extends DatabaseHandle {
  readonly url: string;
  readonly name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

function urlWithDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdminClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlWithDatabase(TEST_SERVER_URL, "postgres") });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of its own for one test file (graphile-worker's isolation rule). */
export async function createTestDatabase(prefix = "vpa_test"): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await withAdminClient((client) => client.query(`create database ${name}`));
  const url = urlWithDatabase(TEST_SERVER_URL, name);
  const handle = createDatabase({ url, maxConnections: 8 });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
