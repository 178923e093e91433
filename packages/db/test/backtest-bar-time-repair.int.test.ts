import { createDatabase, type DatabaseHandle, migrateToLatest } from "@vpa/db";
import { type Kysely, sql } from "kysely";
import { type Migration, Migrator } from "kysely/migration";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testDatabaseName } from "../../../test-support/database.ts";
import { adminDatabaseUrl, TEST_SERVER_URL, urlWithDatabase } from "../../../test-support/test-servers.ts";
import { MIGRATIONS } from "../src/migrate.ts";
import * as barTimeRepair from "../src/migrations/0015-backtest-bar-time-repair.ts";

/**
 * Migration 0015 on a database migrated with the first version of 0013 (d9919e0: the subscribers'
 * `live` flag only, backtest times still `date`): after it, the schema equals a fresh migration's,
 * the stored daily runs read back as `YYYY-MM-DD`, and an intraday run's times can be saved. On a
 * database migrated with the current 0013 it changes nothing.
 */

/** The first version of 0013 as released (git show d9919e0:packages/db/src/migrations/0013-live-subscribers.ts). */
const FIRST_0013: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table subscribers add column live boolean not null default false`.execute(db);
    await sql`create index subscribers_live on subscribers (id) where live and is_active`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index if exists subscribers_live`.execute(db);
    await sql`alter table subscribers drop column if exists live`.execute(db);
  },
};

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * A period's partition of `market_data` (`market_data_intraday_2026_11`, `market_data_daily_2026`):
 * migration 0014 creates the current period's, so two databases migrated on either side of a
 * month's turn in Asia/Ho_Chi_Minh hold different ones with the same shape as their parent.
 */
const PERIOD_PARTITION = /^market_data_(intraday_\d{4}_\d{2}|daily_\d{4})$/;

/**
 * Columns, indexes and constraints of the public schema: what "the same schema" means here. The
 * period partitions are left out: which exist depends on the day a database was migrated, not on
 * its migrations (their shape is their parent's, which is compared).
 */
async function schemaOf(handle: { readonly db: unknown }) {
  const db = handle.db as Kysely<unknown>;
  const kept = (rows: Record<string, unknown>[]) =>
    rows.filter((row) => !PERIOD_PARTITION.test(String(row.table_name ?? row.tablename)));
  const columns = await sql<Record<string, unknown>>`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = 'public'
    order by table_name, column_name
  `.execute(db);
  const indexes = await sql<Record<string, unknown>>`
    select tablename, indexname, indexdef from pg_indexes where schemaname = 'public'
    order by tablename, indexname
  `.execute(db);
  const constraints = await sql<Record<string, unknown>>`
    select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as definition
    from pg_constraint where connamespace = 'public'::regnamespace
    order by 1, 2
  `.execute(db);
  return { columns: kept(columns.rows), indexes: kept(indexes.rows), constraints: kept(constraints.rows) };
}

let fresh: TestDatabase;
let oldName: string;
let old: DatabaseHandle;

beforeAll(async () => {
  fresh = await createTestDatabase();
  // A database of its own, migrated as a deployment of d9919e0 … 0014 was: every migration up to
  // 0014 with the first 0013, and no 0015.
  oldName = testDatabaseName();
  await admin(`create database ${oldName}`);
  old = createDatabase({ url: urlWithDatabase(TEST_SERVER_URL, oldName), maxConnections: 2 });
  const released = Object.fromEntries(
    Object.entries(MIGRATIONS)
      .filter(([name]) => name < "0015")
      .map(([name, migration]) => [name, name === "0013-live-subscribers" ? FIRST_0013 : migration]),
  );
  const migrator = new Migrator({
    db: old.db,
    provider: { getMigrations: async () => released },
    allowUnorderedMigrations: true,
  });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) throw result.error;
});

afterAll(async () => {
  await old?.close();
  if (oldName !== undefined) await admin(`drop database if exists ${oldName} with (force)`);
  await fresh?.drop();
});

describe("migration 0015: databases migrated with the first 0013 get the final shape", () => {
  it("starts from the first 0013's shape: backtest times are dates there, text in a fresh database", async () => {
    const typeOf = async (handle: { readonly db: unknown }) =>
      (
        await sql<{ data_type: string }>`
          select data_type from information_schema.columns
          where table_schema = 'public' and table_name = 'backtest_equity' and column_name = 'time'
        `.execute(handle.db as Kysely<unknown>)
      ).rows[0]?.data_type;
    expect(await typeOf(old)).toBe("date");
    expect(await typeOf(fresh)).toBe("text");
    expect(await schemaOf(old)).not.toEqual(await schemaOf(fresh));
  });

  it("converts the old database's stored runs and leaves a schema equal to a fresh migration's", async () => {
    await sql`
      insert into backtest_runs (id, kind, status, config) values ('daily-run', 'run', 'completed', '{}');
      insert into backtest_trades (run_id, seq, symbol, signal_type, signal_time, signal_score, entry_time,
        entry_price, quantity, exit_time, exit_price, exit_reason, holding_days, gross_pnl, fees, tax, net_pnl, net_return)
      values ('daily-run', 1, 'VCB', 'SELLING_CLIMAX', '2024-01-02', 80, '2024-01-03', 90000, 100, '2024-01-08',
        95000, 'max_hold', 3, 500000, 30000, 9500, 460500, 0.05);
      insert into backtest_equity (run_id, time, equity, cash, invested, positions, benchmark)
      values ('daily-run', '2024-01-03', 1e9, 1e9, 0, 0, 1e9);
    `.execute(old.db);

    expect((await migrateToLatest(old.db)).applied[0]).toBe("0015-backtest-bar-time-repair");

    expect(await schemaOf(old)).toEqual(await schemaOf(fresh));
    const trade = await sql<{ signal_time: string; entry_time: string; exit_time: string }>`
      select signal_time, entry_time, exit_time from backtest_trades where run_id = 'daily-run'
    `.execute(old.db);
    expect(trade.rows).toEqual([
      { signal_time: "2024-01-02", entry_time: "2024-01-03", exit_time: "2024-01-08" },
    ]);
    // An intraday run's bar times now fit, as on a fresh database.
    await sql`
      insert into backtest_equity (run_id, time, equity, cash, invested, positions, benchmark)
      values ('daily-run', '2024-01-03T10:07:00+07:00', 1e9, 1e9, 0, 0, 1e9)
    `.execute(old.db);
    const times = await sql<{ time: string }>`
      select time from backtest_equity where run_id = 'daily-run' order by time
    `.execute(old.db);
    expect(times.rows.map((r) => r.time)).toEqual(["2024-01-03", "2024-01-03T10:07:00+07:00"]);
  });

  it("is a no-op on a database migrated with the current 0013, also when run again", async () => {
    const before = await schemaOf(fresh);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      fresh.db,
    );
    expect(applied.rows.map((r) => r.name)).toContain("0015-backtest-bar-time-repair");
    await barTimeRepair.up(fresh.db as unknown as Kysely<unknown>);
    await barTimeRepair.up(old.db as unknown as Kysely<unknown>);
    expect(await schemaOf(fresh)).toEqual(before);
    expect(await schemaOf(old)).toEqual(before);
  });
});
