import type { Kysely } from "kysely";
import { type Migration, type MigrationResultSet, Migrator } from "kysely/migration";
import * as initialSchema from "./migrations/0001-initial-schema.ts";
import * as backtestRuns from "./migrations/0002-backtest-runs.ts";
import * as deliveryThrottle from "./migrations/0003-delivery-throttle.ts";
import * as databaseInstance from "./migrations/0004-database-instance.ts";
import * as quietHours from "./migrations/0005-quiet-hours.ts";
import * as webhookChannel from "./migrations/0006-webhook-channel.ts";
import * as alertLedger from "./migrations/0007-alert-ledger.ts";
import * as signalTrackRecord from "./migrations/0008-signal-track-record.ts";
import * as deliveryFanout from "./migrations/0009-delivery-fanout.ts";
import * as indexBenchmarkWalkForward from "./migrations/0010-index-benchmark-walk-forward.ts";
import * as paperPortfolios from "./migrations/0011-paper-portfolios.ts";
import * as apiKeys from "./migrations/0012-api-keys.ts";
import * as liveSubscribers from "./migrations/0013-live-subscribers.ts";
import * as marketDataPartitions from "./migrations/0014-market-data-partitions.ts";
import * as backtestBarTimeRepair from "./migrations/0015-backtest-bar-time-repair.ts";
import * as futuresOutcomesReopened from "./migrations/0016-futures-outcomes-reopened.ts";
import * as owedDeliveriesByChat from "./migrations/0017-owed-deliveries-by-chat.ts";
import type { Database } from "./schema.ts";

/**
 * Every migration, by name. Names sort in the order they apply; files are frozen once released.
 * Listed here rather than read from a folder so that the set is checked by the compiler and a
 * deployment cannot pick up a stray file.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001-initial-schema": initialSchema,
  "0002-backtest-runs": backtestRuns,
  "0003-delivery-throttle": deliveryThrottle,
  "0004-database-instance": databaseInstance,
  "0005-quiet-hours": quietHours,
  "0006-webhook-channel": webhookChannel,
  "0007-alert-ledger": alertLedger,
  "0008-signal-track-record": signalTrackRecord,
  "0009-delivery-fanout": deliveryFanout,
  "0010-index-benchmark-walk-forward": indexBenchmarkWalkForward,
  "0011-paper-portfolios": paperPortfolios,
  "0012-api-keys": apiKeys,
  "0013-live-subscribers": liveSubscribers,
  "0014-market-data-partitions": marketDataPartitions,
  "0015-backtest-bar-time-repair": backtestBarTimeRepair,
  "0016-futures-outcomes-reopened": futuresOutcomesReopened,
  "0017-owed-deliveries-by-chat": owedDeliveriesByChat,
};

export class MigrationError extends Error {
  readonly code = "MIGRATION_FAILED";
  readonly migrationName: string | undefined;
  constructor(message: string, options: { cause?: unknown; migrationName?: string }) {
    super(message, { cause: options.cause });
    this.name = "MigrationError";
    this.migrationName = options.migrationName;
  }
}

export interface MigrationSummary {
  /** Names of the migrations this call applied, in order. Empty when already up to date. */
  readonly applied: string[];
}

/**
 * Brings the schema up to date. Safe to run from several processes at once: kysely's Migrator
 * takes a lock, and already applied migrations are skipped.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationSummary> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    // Numbers are handed out to work in progress, which lands in any order (0013 landed before
    // 0012): a database that already ran a later one still gets an earlier one. Each migration
    // touches only its own tables, so their order between two releases does not matter.
    allowUnorderedMigrations: true,
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  const failed = result.results?.find((r) => r.status === "Error");
  if (result.error !== undefined || failed !== undefined) {
    const name = failed?.migrationName;
    throw new MigrationError(`migration ${name ?? "(setup)"} failed: ${String(result.error)}`, {
      cause: result.error,
      migrationName: name,
    });
  }
  return {
    applied: (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
  };
}
