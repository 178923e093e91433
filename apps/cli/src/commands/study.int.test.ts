/**
 * `vpa study` end to end on the VN30 fixture in a database of its own: the printed table, the
 * verdicts, `--json`, `--report`, and `--update` of the stored track record. The CLI runs as a
 * child process, spawned asynchronously.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeColumns, type SignalRecord } from "@vpa/core";
import { insertSignals, upsertBars, upsertStocks } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
} from "../../../../packages/vpa-core/test/support/daily-bars-csv.ts";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { runVpa, type VpaRun, vpaEnvironment } from "../../../../test-support/vpa-process.ts";

let database: TestDatabase;
let directory: string;

function vpa(args: string[]): Promise<VpaRun> {
  return runVpa(args, vpaEnvironment(database));
}

beforeAll(async () => {
  database = await createTestDatabase();
  directory = await mkdtemp(join(tmpdir(), "vpa-study-"));
  const { series } = await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH);
  const ids = await upsertStocks(
    database.db,
    series.map((s) => ({ symbol: s.symbol, exchange: "HOSE" as const })),
  );
  for (const s of series) {
    const c = s.columns;
    await upsertBars(
      database.db,
      ids.get(s.symbol)!,
      "1D",
      c.time.map((time, i) => ({
        time,
        open: c.open[i]!,
        high: c.high[i]!,
        low: c.low[i]!,
        close: c.close[i]!,
        volume: c.volume[i]!,
      })),
    );
    // Two stocks' signals stored, as scans would have: what --update takes in.
    if (s.symbol === "VCB" || s.symbol === "FPT")
      await insertSignals(
        database.db,
        ids.get(s.symbol)!,
        "1D",
        analyzeColumns(s.symbol, c).filter((r): r is SignalRecord => r.kind === "signal"),
      );
  }
}, 120_000);
afterAll(async () => {
  await database?.drop();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

describe("vpa study", () => {
  it("prints each signal type × horizon against chance, and says which had an edge", async () => {
    const report = join(directory, "study.html");
    const { code, stdout, stderr } = await vpa([
      "study",
      "--symbols",
      "VN30",
      "--to",
      "2021-07-15",
      "--horizon",
      "5",
      "--report",
      report,
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("Hồ sơ tín hiệu / Signal track record: VN30, 30 mã/symbols");
    for (const heading of [
      "Tín hiệu / Signal",
      "Trúng / Hit",
      "Ngẫu nhiên / Chance",
      "TB ròng / Mean net",
      "Kết luận / Verdict",
    ])
      expect(stdout).toContain(heading);
    const lines = stdout.split("\n");
    // One row per type (ABSORPTION twice: bull and bear) and horizon.
    const rows = lines.filter((line) => /^[A-Z_]+ \(/.test(line));
    expect(rows.length).toBe(12 * 4);
    const spring = rows.find((line) => /^SPRING .*\s5\s/.test(line))!;
    expect(spring).toMatch(/\d+\.\d%.*[+-]\d+\.\d\d% … [+-]\d+\.\d\d%/);
    expect(stdout).toContain("Kết luận ở kỳ 5 phiên / Verdict at the 5-session horizon:");
    for (const verdict of [
      "có lợi thế / edge:",
      "không có lợi thế / no edge:",
      "kém hơn ngẫu nhiên / worse than chance:",
    ])
      expect(stdout).toContain(verdict);
    expect(stdout).toContain("Survivorship bias");
    const html = await readFile(report, "utf8");
    expect(html).toContain('<svg id="edge-chart"');
    expect(html).toContain('<svg id="reliability-chart"');
    expect(html).not.toMatch(/<script|<link/);
  }, 120_000);

  it("--json gives the whole record", async () => {
    const { code, stdout } = await vpa([
      "study",
      "--symbols",
      "VCB,FPT,NOPE",
      "--json",
      "--from",
      "2019-01-01",
    ]);
    expect(code).toBe(0);
    const record = JSON.parse(stdout);
    expect(record).toMatchObject({
      universe: "VCB,FPT,NOPE",
      missing: ["NOPE"],
      symbolCount: 2,
      from: "2019-01-01",
    });
    expect(record.horizons).toEqual([1, 5, 10, 20]);
    const spring = record.groups.find(
      (g: { dimension: string; key: string; horizon: number }) =>
        g.dimension === "type" && g.key === "SPRING" && g.horizon === 5,
    );
    expect(spring.signals.count).toBeGreaterThan(0);
    expect(spring.chance.count + spring.chancePending).toBe(spring.signals.count);
  }, 120_000);

  it("--update brings the stored track record to the newest bar, and then has nothing to do", async () => {
    const first = await vpa(["study", "--update"]);
    expect(first.code).toBe(0);
    // Counts grouped as the rest of the CLI's ("4,301"), read back whole.
    const taken = Number(/([\d,]+) tín hiệu mới \/ new signals/.exec(first.stdout)?.[1]?.replaceAll(",", ""));
    expect(taken).toBeGreaterThan(100);
    const again = await vpa(["study", "--update", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ signalsTaken: 0, rowsWritten: 0 });
  }, 120_000);

  it("refuses bad options with usage (exit 2)", async () => {
    const bad = await vpa(["study", "--horizon", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--horizon must be a whole number from 1 to 60");
    expect((await vpa(["study", "--from", "2020-13-01"])).code).toBe(2);
  }, 60_000);
});
