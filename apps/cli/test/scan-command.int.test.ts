import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { runVpa, type VpaRun, vpaEnvironment } from "../../../test-support/vpa-process.ts";

const connection = testQueueConnection();

let database: TestDatabase;

function vpa(args: readonly string[]): Promise<VpaRun> {
  return runVpa(args, vpaEnvironment(database, connection), 90_000);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const imported = await vpa(["import", "fixtures/vn30f1m-15m-sample.csv", "--timeframe", "15m"]);
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await removeQueuePrefix(connection);
  await database?.drop();
});

// What a trader reads from `vpa scan`: sentences, not a record (the formatter is unit-tested in
// src/format-scan-report.test.ts; this is the command as typed, on real Redis and PostgreSQL).
describe("vpa scan, as typed", () => {
  it("says what it queued, and that no worker is there to take it", async () => {
    const run = await vpa(["scan", "--timeframe", "15m"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("queued the analysis of 1 symbol (15m bars)");
    expect(run.stderr).toContain(
      "no scanner worker is running: start one (vpa worker scanner), or scan with --wait",
    );
  }, 120_000);

  it("with --wait does the work itself and reports the signals of an intraday lookback", async () => {
    const run = await vpa(["scan", "--timeframe", "15m", "--lookback-days", "30", "--wait", "--force"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("processing in this process");
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^scanned 1 symbol \(15m bars\)/);
    expect(lines[1]).toMatch(/^signals: [1-9][\d,]* in the last 30 days, [\d,]+ new$/);
    expect(lines[2]).toMatch(/^alerts: [\d,]+ fanned out/);
    expect(lines.at(-1)).toMatch(/^took \d+\.\d\d s to scan, \d+\.\d\d s to alert$/);
    expect(run.stdout).not.toMatch(/scanSeconds|undefined|NaN/);
  }, 120_000);

  it("with --no-alerts stores the whole history for the track record and alerts nobody", async () => {
    const run = await vpa([
      "scan",
      "--timeframe",
      "15m",
      "--lookback-days",
      "36500",
      "--no-alerts",
      "--wait",
    ]);
    expect(run.code, run.stderr).toBe(0);
    // Only the analysis runs here: no alerts worker is lent for a scan that alerts nobody.
    expect(run.stderr).toContain("no scanner worker running: processing in this process");
    const lines = run.stdout.trim().split("\n");
    // Older than the 30 days above: the sample's first weeks, analysed whole (not its last 250 bars).
    expect(lines[1]).toMatch(/^signals: [\d,]+ in the last 36,500 days, [1-9][\d,]* new$/);
    expect(lines[2]).toBe(
      "alerts: none (--no-alerts); bring the track record up to these signals: vpa study --update",
    );
    expect(lines.at(-1)).toMatch(/^took \d+\.\d\d s to scan$/);
  }, 120_000);

  it("names a symbol it has no bars for and exits 1", async () => {
    const run = await vpa(["scan", "--timeframe", "15m", "--symbols", "NOPE"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("no bars for: NOPE");
  }, 120_000);
});
