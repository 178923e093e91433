import {
  createReadDatabase,
  ReadDatabaseUnavailableError,
  readDatabaseFailureOf,
  upsertStocks,
} from "@vpa/db";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { freePort } from "../../../test-support/free-port.ts";

/**
 * The read replica's pool (DATABASE_READ_URL): it reads from its own URL, and a replica that does
 * not answer is told apart from the primary (the CLI names DATABASE_READ_URL in its message).
 */

let primary: TestDatabase;
let replica: TestDatabase;
beforeAll(async () => {
  [primary, replica] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await upsertStocks(primary.db, [{ symbol: "VCB", exchange: "HOSE", name: "Vietcombank" }]);
  await upsertStocks(replica.db, [{ symbol: "FPT", exchange: "HOSE", name: "FPT Corp" }]);
});
afterAll(async () => {
  await Promise.all([primary?.drop(), replica?.drop()]);
});

describe("createReadDatabase", () => {
  it("reads from its own URL, as application vpa-read", async () => {
    const read = createReadDatabase({ url: replica.url, maxConnections: 2 });
    try {
      const symbols = await read.db.selectFrom("stocks").select("symbol").execute();
      expect(symbols.map((s) => s.symbol)).toEqual(["FPT"]);
      const { rows } = await sql<{
        name: string;
      }>`select current_setting('application_name') as name`.execute(read.db);
      expect(rows[0]?.name).toBe("vpa-read");
    } finally {
      await read.close();
    }
  });

  it("throws a ReadDatabaseUnavailableError carrying the driver's error when it cannot connect", async () => {
    const port = await freePort();
    const read = createReadDatabase({ url: `postgres://postgres@127.0.0.1:${port}/vpa`, maxConnections: 1 });
    try {
      const failure = await read.db
        .selectFrom("stocks")
        .select("symbol")
        .execute()
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(ReadDatabaseUnavailableError);
      expect((failure as ReadDatabaseUnavailableError).code).toBe("READ_DATABASE_UNAVAILABLE");
      expect(((failure as Error).cause as { code?: string }).code).toBe("ECONNREFUSED");
      // Found through a wrapper's cause chain too (a caller that wraps errors).
      expect(readDatabaseFailureOf(new Error("listing failed", { cause: failure }))).toBe(failure);
      expect(readDatabaseFailureOf((failure as Error).cause)).toBeNull();
    } finally {
      await read.close();
    }
  });
});
