import { createDatabase } from "@vpa/db";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("a PostgreSQL connection lost under a query", () => {
  it("fails that query (57P01, as on a server stop) and the process and pool carry on", async () => {
    const poolErrors: Error[] = [];
    const handle = createDatabase({
      url: database.url,
      maxConnections: 2,
      applicationName: "vpa-connection-loss-test",
      onPoolError: (error) => poolErrors.push(error),
    });
    try {
      const slow = sql`select pg_sleep(20)`.execute(handle.db);
      const outcome = slow.then(
        () => "finished",
        (error: { code?: string }) => error.code ?? "error",
      );
      // What `pg_ctl stop -m fast` does to every backend: terminate it under its running query.
      const deadline = Date.now() + 5_000;
      let terminated = 0;
      while (terminated === 0 && Date.now() < deadline) {
        const rows = await sql<{ ok: boolean }>`
          select pg_terminate_backend(pid) as ok from pg_stat_activity
          where application_name = 'vpa-connection-loss-test' and query like '%pg_sleep(20)%' and pid <> pg_backend_pid()
        `.execute(database.db);
        terminated = rows.rows.length;
        if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(terminated).toBe(1);
      expect(await outcome).toBe("57P01");
      // Without a listener on the checked-out client, its 'error' event would have crashed the
      // test process here (vitest reports an uncaught error). The pool hands out a fresh one.
      const after = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(after.rows[0]?.one).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it("between two statements of a transaction: the transaction fails, the error is reported, nothing crashes", async () => {
    const poolErrors: Error[] = [];
    const handle = createDatabase({
      url: database.url,
      maxConnections: 2,
      applicationName: "vpa-connection-loss-idle",
      onPoolError: (error) => poolErrors.push(error),
    });
    try {
      const transaction = handle.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        // Checked out, no query running: pg emits 'error' on the client itself, which pg-pool
        // does not listen to while a client is checked out.
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = 'vpa-connection-loss-idle' and pid <> pg_backend_pid()`.execute(
          database.db,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`select 2`.execute(trx);
      });
      await expect(transaction).rejects.toThrow();
      expect(poolErrors.map((e) => e.message).join(" ")).toMatch(/terminat/i);
      const after = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(after.rows[0]?.one).toBe(1);
    } finally {
      await handle.close();
    }
  });
});
