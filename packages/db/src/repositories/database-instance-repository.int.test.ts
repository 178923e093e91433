import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { DatabaseNotMigratedError } from "../database-not-migrated-error.ts";
import { databaseInstanceId } from "./database-instance-repository.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("database instance id", () => {
  it("is 8 hex characters, the same on every read", async () => {
    const id = await databaseInstanceId(database.db);
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(await databaseInstanceId(database.db)).toBe(id);
  });

  it("a database whose instance row is missing says to run vpa migrate, with a code", async () => {
    const other = await createTestDatabase();
    try {
      await sql`delete from database_instance`.execute(other.db);
      const reading = databaseInstanceId(other.db);
      await expect(reading).rejects.toBeInstanceOf(DatabaseNotMigratedError);
      await expect(reading).rejects.toMatchObject({
        code: "DATABASE_NOT_MIGRATED",
        message: expect.stringMatching(/run vpa migrate$/),
      });
    } finally {
      await other.drop();
    }
  });
});
