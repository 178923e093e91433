import {
  maintainMarketDataPartitions,
  type PartitionMaintenancePlan,
  planMarketDataPartitionMaintenance,
} from "@vpa/db";
import { sql } from "kysely";
import type { AppContext } from "../app-context.ts";
import { EXIT, UsageError } from "../cli-error.ts";
import { parseInteger, parseOptions } from "../parse-options.ts";

/** `--timeout` when not given: a busy market_data (a long scan query) waits this long at most. */
const DEFAULT_TIMEOUT_SECONDS = 60;

/** SQLSTATEs of a wait cut short: lock_not_available (lock_timeout), query_canceled (statement_timeout). */
const GAVE_UP = new Set(["55P03", "57014"]);

export class MaintainTimeoutError extends Error {
  readonly code = "MAINTAIN_TIMEOUT";
  constructor(seconds: number, cause: unknown) {
    super(
      `maintain: gave up after ${seconds} s waiting for market_data (a lock held by a long query, or a slow statement); nothing changed — run it again later, or with a longer --timeout`,
      { cause },
    );
    this.name = "MaintainTimeoutError";
  }
}

interface MaintainReport {
  readonly dryRun: boolean;
  readonly retentionDays: number | null;
  /** Partitions created (with --dry-run: that would be). */
  readonly created: readonly string[];
  /** Intraday partitions dropped (with --dry-run: that would be). */
  readonly dropped: readonly string[];
}

/**
 * `vpa maintain`: the partition maintenance the scanner runs before each scheduled scan
 * (`maintainMarketDataPartitions`), on its own, for a CronJob (deploy/k8s/base/maintain-cronjob.yaml)
 * or an operator. On the primary: it writes, and its plan must see the partitions as they are now.
 */
export async function runMaintain(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("maintain", args);
  if (positionals.length > 0) throw new UsageError(`maintain: unexpected ${positionals.join(" ")}`);
  const retentionDays =
    parseInteger("maintain", "retention-days", values["retention-days"], 1, 36_500) ??
    app.config.scan.intradayRetentionDays;
  const timeoutSeconds =
    parseInteger("maintain", "timeout", values.timeout, 1, 3_600) ?? DEFAULT_TIMEOUT_SECONDS;
  const dryRun = values["dry-run"] === true;
  const now = new Date();
  const options = { now, intradayRetentionDays: retentionDays };

  let report: MaintainReport;
  try {
    // One transaction: the names planned are the ones created (no other creator can slip in
    // between, the creators share an advisory lock), and a timeout part-way changes nothing.
    // `set local`: the limits end with the transaction (PgBouncer-safe, no session state).
    report = await app.database.db.transaction().execute(async (transaction) => {
      const milliseconds = `${timeoutSeconds * 1_000}`;
      await sql`select set_config('lock_timeout', ${milliseconds}, true), set_config('statement_timeout', ${milliseconds}, true)`.execute(
        transaction,
      );
      // The partition creators' own lock (migration 0014), first: nobody creates one in between.
      await sql`select pg_advisory_xact_lock(hashtext('vpa:market_data:partitions'))`.execute(transaction);
      const plan: PartitionMaintenancePlan = await planMarketDataPartitionMaintenance(transaction, options);
      if (dryRun) return { dryRun, retentionDays, created: plan.create, dropped: plan.drop };
      const done = await maintainMarketDataPartitions(transaction, options);
      return { dryRun, retentionDays, created: plan.create.slice(0, done.created), dropped: done.dropped };
    });
  } catch (error) {
    if (GAVE_UP.has((error as { code?: string }).code ?? ""))
      throw new MaintainTimeoutError(timeoutSeconds, error);
    throw error;
  }

  if (values.json === true) {
    console.log(JSON.stringify(report));
    return EXIT.ok;
  }
  const list = (names: readonly string[]) =>
    `${names.length}${names.length === 0 ? "" : ` (${names.join(", ")})`}`;
  console.log(
    dryRun
      ? `phân vùng sẽ tạo / partitions to create: ${list(report.created)}`
      : `phân vùng đã tạo / partitions created: ${list(report.created)}`,
  );
  if (retentionDays === null) {
    console.log(
      "giữ mọi tháng intraday / every intraday month kept (no INTRADAY_RETENTION_DAYS or --retention-days)",
    );
  } else {
    console.log(
      dryRun
        ? `tháng intraday quá ${retentionDays} ngày sẽ xóa / intraday months past ${retentionDays} days to drop: ${list(report.dropped)}`
        : `tháng intraday quá ${retentionDays} ngày đã xóa / intraday months past ${retentionDays} days dropped: ${list(report.dropped)}`,
    );
  }
  if (dryRun) console.log("chạy thử: không thay đổi gì / dry run: nothing changed");
  return EXIT.ok;
}
