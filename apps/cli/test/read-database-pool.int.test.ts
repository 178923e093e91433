import { upsertStocks } from "@vpa/db";
import { loadConfig } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { AppContext } from "../src/app-context.ts";

/**
 * AppContext's pools: DATABASE_READ_URL opens a second pool for the read paths; without it the
 * read paths share the one pool (no second set of connections against the same server).
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

const symbolsOf = async (app: AppContext, which: "database" | "readDatabase") =>
  (await app[which].db.selectFrom("stocks").select("symbol").execute()).map((s) => s.symbol);

describe("AppContext.readDatabase", () => {
  it("is the primary's pool itself without DATABASE_READ_URL", async () => {
    const app = new AppContext(loadConfig({ DATABASE_URL: primary.url, LOG_LEVEL: "silent" }));
    try {
      expect(app.readDatabase).toBe(app.database);
      expect(await symbolsOf(app, "readDatabase")).toEqual(["VCB"]);
      await app.requireReadDatabase(); // nothing of its own to check
    } finally {
      await app.close();
    }
  });

  it("is a pool of its own on DATABASE_READ_URL, while writes keep the primary", async () => {
    const app = new AppContext(
      loadConfig({ DATABASE_URL: primary.url, DATABASE_READ_URL: replica.url, LOG_LEVEL: "silent" }),
    );
    try {
      expect(app.readDatabase).not.toBe(app.database);
      expect(await symbolsOf(app, "readDatabase")).toEqual(["FPT"]);
      expect(await symbolsOf(app, "database")).toEqual(["VCB"]);
      await app.requireReadDatabase();
    } finally {
      await app.close();
    }
  });
});
