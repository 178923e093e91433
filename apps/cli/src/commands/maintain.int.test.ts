/**
 * `vpa maintain` end to end in a database of its own: partitions created ahead, an old intraday
 * month dropped past the retention (the flag over the variable), `--dry-run` changing nothing, a
 * lock held by another session ending in a bounded, clean failure. The CLI runs as a child process (test-support/vpa-process.ts).
 */
import { listIntradayPartitions, upsertBars, upsertStocks } from "@vpa/db";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { runVpa, type VpaRun, vpaEnvironment } from "../../../../test-support/vpa-process.ts";

const DAY_MS = 86_400_000;

let database: TestDatabase;
let stockId: number;

function vpa(args: string[], env: Record<string, string> = {}): Promise<VpaRun> {
  return runVpa(args, { ...vpaEnvironment(database), ...env }, 30_000);
}

/** `market_data_intraday_YYYY_MM` of the Vietnam month `ms` falls in. */
function intradayPartitionOf(ms: number): string {
  const vietnam = new Date(ms + 7 * 3_600_000).toISOString();
  return `market_data_intraday_${vietnam.slice(0, 4)}_${vietnam.slice(5, 7)}`;
}

/** One 1-minute bar at 10:00 Vietnam time on the day `ms` falls in. */
function minuteBarOn(ms: number) {
  const date = new Date(ms).toISOString().slice(0, 10);
  return { time: `${date}T10:00:00+07:00`, open: 10, high: 11, low: 9, close: 10.5, volume: 1_000 };
}

async function minuteBarCount(): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from market_data where stock_id = ${stockId} and timeframe = '1m'`.execute(
    database.db,
  );
  return result.rows[0]?.n ?? 0;
}

const now = Date.now();
/** ~14 months ago: past a 90-day retention. */
const OLD_MONTH = intradayPartitionOf(now - 420 * DAY_MS);
/** Last week's month (or this one): inside it. */
const RECENT_MONTH = intradayPartitionOf(now - 3 * DAY_MS);
const NEXT_MONTH = intradayPartitionOf(now + 32 * DAY_MS);

beforeAll(async () => {
  database = await createTestDatabase();
  const ids = await upsertStocks(database.db, [{ symbol: "VN30F1M", exchange: "HNX" }]);
  stockId = ids.get("VN30F1M") as number;
  // The bar writers create an old month's partition on demand.
  await upsertBars(database.db, stockId, "1m", [
    minuteBarOn(now - 420 * DAY_MS),
    minuteBarOn(now - 3 * DAY_MS),
  ]);
});
afterAll(async () => {
  await database?.drop();
});

interface Report {
  dryRun: boolean;
  retentionDays: number | null;
  created: string[];
  dropped: string[];
}

describe("vpa maintain", () => {
  it("--dry-run lists the old month it would drop (retention from INTRADAY_RETENTION_DAYS) and changes nothing", async () => {
    // Next month's partition may exist already (from the template's migration): drop it so that
    // there is something to create.
    await sql`drop table if exists ${sql.id(NEXT_MONTH)}`.execute(database.db);
    const run = await vpa(["maintain", "--dry-run", "--json"], { INTRADAY_RETENTION_DAYS: "90" });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.dryRun).toBe(true);
    expect(report.retentionDays).toBe(90);
    expect(report.dropped).toContain(OLD_MONTH);
    expect(report.dropped).not.toContain(RECENT_MONTH);
    expect(report.created).toContain(NEXT_MONTH);
    const partitions = await listIntradayPartitions(database.db);
    expect(partitions).toContain(OLD_MONTH);
    expect(partitions).not.toContain(NEXT_MONTH);
    expect(await minuteBarCount()).toBe(2);

    const text = await vpa(["maintain", "--dry-run", "--retention-days", "90"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`intraday months past 90 days to drop: `);
    expect(text.stdout).toContain(OLD_MONTH);
    expect(text.stdout).toContain("chạy thử: không thay đổi gì / dry run: nothing changed");
  });

  it("gives up within --timeout while another session holds market_data, changing nothing", async () => {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query("begin; lock table market_data_intraday in access exclusive mode");
      const started = Date.now();
      const run = await vpa(["maintain", "--retention-days", "90", "--timeout", "1"]);
      expect(run.code).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      const lines = run.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^vpa: maintain: gave up after 1 s waiting for market_data .* nothing changed/,
      );
    } finally {
      await holder.query("rollback").catch(() => {});
      await holder.end();
    }
    const partitions = await listIntradayPartitions(database.db);
    expect(partitions).toContain(OLD_MONTH);
    expect(partitions).not.toContain(NEXT_MONTH);
  });

  it("creates the partitions ahead and drops the old month with --retention-days over the variable", async () => {
    // INTRADAY_RETENTION_DAYS would keep everything for a century: the flag decides.
    const run = await vpa(["maintain", "--retention-days", "90", "--json"], {
      INTRADAY_RETENTION_DAYS: "36500",
    });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toMatchObject({ dryRun: false, retentionDays: 90 });
    expect(report.created).toContain(NEXT_MONTH);
    expect(report.dropped).toContain(OLD_MONTH);
    const partitions = await listIntradayPartitions(database.db);
    expect(partitions).not.toContain(OLD_MONTH);
    expect(partitions).toEqual(expect.arrayContaining([RECENT_MONTH, NEXT_MONTH]));
    // The recent bar stays; the old month's went with its partition.
    expect(await minuteBarCount()).toBe(1);

    const again = await vpa(["maintain", "--retention-days", "90"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("phân vùng đã tạo / partitions created: 0");
    expect(again.stdout).toContain("intraday months past 90 days dropped: 0");
  });

  it("refuses a retention out of range before touching the database", async () => {
    const run = await vpa(["maintain", "--retention-days", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--retention-days/);
  });
});
