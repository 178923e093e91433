import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { subscribe } from "@vpa/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { adminDatabaseUrl } from "../../../test-support/test-servers.ts";

/**
 * The restore drill of docs/deploy.md, as an operator would run it after losing the database:
 * `vpa backup`, the database dropped, an empty one created under the same name, `vpa restore`,
 * and every table holds exactly the rows it had. Plus the retention of `vpa backup --keep N`.
 */

const ROOT = resolve(import.meta.dirname, "../../..");
let directory: string;
const databases: TestDatabase[] = [];
const recreated: string[] = [];

function vpa(args: string[], databaseUrl: string) {
  const result = spawnSync(
    resolve(ROOT, "node_modules/.bin/node"),
    [resolve(ROOT, "apps/cli/src/main.ts"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl },
      timeout: 120_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Rows of every table in the public schema, and a checksum of the bars: what a restore must bring back. */
async function contents(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    );
    const counts: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from "${name}"`);
      counts[name] = rows[0]?.n ?? "?";
    }
    const { rows } = await client.query<{ sum: string }>(
      "select md5(string_agg(stock_id || timeframe || time::text || close::text || volume::text, ',' order by stock_id, timeframe, time)) as sum from market_data",
    );
    counts["market_data checksum"] = rows[0]?.sum ?? "";
    return counts;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "vpa-backups-"));
});
afterAll(async () => {
  for (const database of databases) await database.drop();
  for (const name of recreated)
    await admin((client) => client.query(`drop database if exists ${name} with (force)`));
  await rm(directory, { recursive: true, force: true });
});

describe("backup and restore drill", () => {
  it("brings back every row after the database is dropped", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    // Exit 3: the fixture has 5 rows the importer rejects (and says so); the rest is stored.
    expect(vpa(["import", resolve(ROOT, "fixtures/vn30-daily-2018-2021.csv.gz")], database.url).code).toBe(3);
    await subscribe(database.db, { channel: "email", address: "drill@example.com", minScore: 60 });
    const before = await contents(database.url);
    expect(Number(before.market_data)).toBeGreaterThan(25_000);

    const backup = vpa(["backup", "--dir", join(directory, "drill")], database.url);
    expect(backup.code, backup.stderr).toBe(0);
    const [file] = await readdir(join(directory, "drill"));
    expect(file).toMatch(/^vpa-.*\.dump$/);

    // The loss: the whole database, not just its rows.
    await database.drop();
    databases.splice(databases.indexOf(database), 1);
    await admin((client) => client.query(`create database ${database.name}`));
    recreated.push(database.name);
    expect((await contents(database.url).catch((error: Error) => error.message)) as unknown).toMatch(
      /market_data" does not exist/,
    );

    const restore = vpa(["restore", join(directory, "drill", file as string)], database.url);
    expect(restore.code, restore.stderr).toBe(0);
    expect(await contents(database.url)).toEqual(before);
  }, 120_000);

  it("keeps only the newest N dumps with --keep N", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const dir = join(directory, "retention");
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = vpa(["backup", "--dir", dir, "--keep", "2"], database.url);
      expect(result.code, result.stderr).toBe(0);
      names.push((/backup written: .*\/(vpa-[^ ]+\.dump)/.exec(result.stdout) ?? [])[1] as string);
    }
    expect((await readdir(dir)).sort()).toEqual(names.slice(1).sort());
    expect(vpa(["backup", "--dir", dir, "--file", join(dir, "x.dump")], database.url).code).toBe(2);
    expect(vpa(["backup", "--keep", "0"], database.url).stderr).toContain("--keep must be a whole number");
  }, 60_000);

  it("changes nothing when the dump is damaged: restore is all or nothing", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    await subscribe(database.db, { channel: "email", address: "before@example.com", minScore: 60 });
    const dir = join(directory, "damaged");
    expect(vpa(["backup", "--dir", dir], database.url).code).toBe(0);
    const [file] = await readdir(dir);
    const whole = await readFile(join(dir, file as string));
    const damaged = join(dir, "damaged.dump");
    await writeFile(damaged, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await subscribe(database.db, { channel: "email", address: "after@example.com", minScore: 60 });
    const before = await contents(database.url);

    const restore = vpa(["restore", damaged], database.url);
    expect(restore.code).not.toBe(0);
    expect(restore.stderr).toContain("restore failed, nothing changed");
    expect(await contents(database.url)).toEqual(before);
  }, 60_000);
});
