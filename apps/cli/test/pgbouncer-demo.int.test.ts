import { spawn } from "node:child_process";
import { resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseName } from "../../../test-support/database.ts";
import { startPgBouncer, type TestPgBouncer } from "../../../test-support/pgbouncer.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { adminDatabaseUrl } from "../../../test-support/test-servers.ts";

/**
 * The whole pipeline (`vpa demo`: migrations, import, scan, alerts, deliveries) through a real
 * PgBouncer in transaction pooling mode with a pool of 4 server connections for the demo's dozens
 * of client connections: nothing the code does needs a session (no session SET, LISTEN, session
 * advisory lock across transactions, named prepared statement or temporary table), so it runs as
 * against PostgreSQL itself, and leaves no prepared statement behind on the servers.
 */

const ROOT = resolve(import.meta.dirname, "../../..");
const connection = testQueueConnection();
// An empty database (not the migrated template's clone): the migrations run through PgBouncer too.
const database = testDatabaseName();
let bouncer: TestPgBouncer;

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin(`create database ${database}`);
  bouncer = await startPgBouncer({ poolSize: 4 });
});
afterAll(async () => {
  await bouncer?.stop();
  await removeQueuePrefix(connection);
  await admin(`drop database if exists ${database} with (force)`);
});

function demo(databaseUrl: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(resolve(ROOT, "node_modules/.bin/node"), ["apps/cli/src/main.ts", "demo"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: databaseUrl,
      REDIS_URL: connection.redisUrl,
      QUEUE_PREFIX: connection.prefix,
      VPA_DATA_DIR: resolve(ROOT, ".vpa"),
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((done) => child.on("close", (status) => done({ status, stdout, stderr })));
}

describe("behind PgBouncer (transaction pooling)", () => {
  it("runs the demo end to end, and a second run sends nothing twice", async () => {
    const url = bouncer.urlFor(database);
    const first = await demo(url);
    expect(first.status, first.stderr.slice(-3_000)).toBe(0);
    expect(first.stdout).toContain("applied 0001-initial-schema");
    const delivered = Number(/alerts delivered\s+(\d+) in this run/.exec(first.stdout)?.[1]);
    expect(delivered).toBeGreaterThan(0);

    const second = await demo(url);
    expect(second.status, second.stderr.slice(-3_000)).toBe(0);
    expect(second.stdout).toContain("nothing was sent twice");

    // A server connection PgBouncer hands out holds no prepared statement left by the runs.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_prepared_statements",
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await client.end();
    }
  }, 180_000);
});
