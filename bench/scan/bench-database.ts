import { existsSync } from "node:fs";
import { createDatabase, type DatabaseHandle, migrateToLatest } from "@vpa/db";
import { importBars } from "@vpa/scanner";
import { sql } from "kysely";
import pg from "pg";

/** The shared dataset (1,681 symbols, 3.2 M daily bars), beside the repository: ../shared/data/. */
export const DEFAULT_DATASET = new URL("../../../shared/data/vn-daily-2000-2021.csv.gz", import.meta.url)
  .pathname;

export interface BenchDatabaseOptions {
  /** Server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432 */
  readonly serverUrl: string;
  readonly name: string;
  readonly reimport: boolean;
  /** Default: {@link DEFAULT_DATASET}. */
  readonly dataset?: string;
  readonly log: (line: string) => void;
}

/** Today in Asia/Ho_Chi_Minh, the importer's future-date bound (as `vpa import` computes it). */
function todayInVietnam(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

async function adminQuery(serverUrl: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Opens the bench's own database, creating it, migrating it and importing the shared dataset with
 * the project's importer the first time (or again with `reimport`). Returns the handle and the
 * URL for worker processes.
 */
export async function openBenchDatabase(
  options: BenchDatabaseOptions,
): Promise<{ handle: DatabaseHandle; url: string }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.name)) throw new Error(`bad database name ${options.name}`);
  const exists = await adminQuery(
    options.serverUrl,
    `select 1 from pg_database where datname = '${options.name}'`,
  );
  if (options.reimport && exists.rowCount === 1) {
    options.log(`dropping database ${options.name} (--reimport)`);
    await adminQuery(options.serverUrl, `drop database ${options.name} with (force)`);
  }
  if (options.reimport || exists.rowCount === 0) {
    await adminQuery(options.serverUrl, `create database ${options.name}`);
  }
  const url = `${options.serverUrl}/${options.name}`;
  const handle = createDatabase({ url, maxConnections: 8, statementTimeoutMs: 600_000 });
  await migrateToLatest(handle.db);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from market_data`.execute(handle.db);
  const bars = rows[0]?.n ?? 0;
  if (bars > 0) {
    options.log(`database ${options.name}: ${bars.toLocaleString("en-US")} bars already imported`);
    return { handle, url };
  }
  const dataset = options.dataset ?? DEFAULT_DATASET;
  if (!existsSync(dataset)) {
    await handle.close();
    throw new Error(
      `the shared dataset is absent: ${dataset} (bench/scan imports shared/data/vn-daily-2000-2021.csv.gz once; pass --dataset <path>)`,
    );
  }
  options.log(`importing ${dataset} into ${options.name} (once; --reimport to redo)`);
  const started = performance.now();
  const summary = await importBars(handle.db, [dataset], {
    todayLocal: todayInVietnam(),
    maxRejectionsKept: 10,
    onProgress: (rows) => {
      if (rows % 500_000 === 0) options.log(`  ${rows.toLocaleString("en-US")} rows read`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  options.log(
    `imported ${summary.barsAccepted.toLocaleString("en-US")} bars of ${summary.symbols} symbols in ` +
      `${seconds.toFixed(1)} s (${summary.rejectedTotal} rows rejected: ${JSON.stringify(summary.rejectedByReason)})`,
  );
  await sql`analyze`.execute(handle.db);
  return { handle, url };
}
