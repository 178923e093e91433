import { spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { listSignals, listSubscribers, subscribe } from "@vpa/db";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";

const ROOT = resolve(import.meta.dirname, "../../..");

function vpa(args: string[], env: Record<string, string>) {
  const result = spawnSync(
    resolve(ROOT, "node_modules/.bin/node"),
    [resolve(ROOT, "apps/cli/src/main.ts"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", ...env },
      timeout: 60_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("vpa backup / restore", () => {
  it("restores bars, signals and subscribers lost after the backup", async () => {
    const env = { DATABASE_URL: database.url };
    expect(vpa(["import", resolve(ROOT, "apps/scanner/test/fixtures/bad-rows.csv")], env).code).toBe(3);
    await subscribe(database.db, { channel: "email", address: "keep@example.com", minScore: 50 });
    const file = join(await mkdtemp(join(tmpdir(), "vpa-backup-")), "vpa.dump");

    const backup = vpa(["backup", "--file", file], env);
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(file);

    await sql`truncate market_data, subscribers cascade`.execute(database.db);
    expect(await listSubscribers(database.db)).toEqual([]);

    const restore = vpa(["restore", file], env);
    expect(restore.code).toBe(0);
    expect((await listSubscribers(database.db)).map((s) => s.address)).toEqual(["keep@example.com"]);
    const bars = await sql<{ n: number }>`select count(*)::int as n from market_data`.execute(database.db);
    expect(bars.rows[0]?.n).toBe(3);
    expect(await listSignals(database.db)).toEqual([]);
  });

  it("refuses to restore a file that does not exist", () => {
    const result = vpa(["restore", "/nonexistent.dump"], { DATABASE_URL: database.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no such file /nonexistent.dump");
  });
});
