/**
 * `vpa backtest` against the VN30 index and as a walk-forward, end to end on the bundled data in a
 * database and queue prefix of its own: `vpa import` of the fixtures (the index recognised by its
 * name), the printed verdict and tables, and the HTML reports. The CLI runs as a child process,
 * spawned asynchronously, and works the jobs itself (no worker is running).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getBacktestRun } from "@vpa/db";
import { createQueue } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../../test-support/queues.ts";
import { runVpa, type VpaRun, vpaEnvironment } from "../../../../test-support/vpa-process.ts";

const SYMBOLS = "FPT,HPG,VCB,VNM,MWG,SSI";

let database: TestDatabase;
let directory: string;
const connection = testQueueConnection();

function vpa(args: string[]): Promise<VpaRun> {
  return runVpa(args, vpaEnvironment(database, connection), 120_000);
}

beforeAll(async () => {
  database = await createTestDatabase();
  directory = await mkdtemp(join(tmpdir(), "vpa-backtest-"));
  const imported = await vpa([
    "import",
    "fixtures/vn30-daily-2018-2021.csv.gz",
    "fixtures/vn30-index-daily-2018-2021.csv",
    "--stocks",
    "fixtures/vn30-symbols.csv",
  ]);
  // 3: a few real rows of the stock fixture are rejected (inconsistent OHLC); the rest is stored.
  expect([0, 3], imported.stderr).toContain(imported.code);
}, 120_000);
afterAll(async () => {
  await obliterateQueues([createQueue("backtest", connection)]);
  await database?.drop();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

describe("vpa backtest against the VN30 index", () => {
  it("says first, in Vietnamese then English, how the strategy did against the index and equal-weight", async () => {
    const report = join(directory, "run.html");
    const run = await vpa([
      "backtest",
      "--symbols",
      SYMBOLS,
      "--from",
      "2019-01-01",
      "--to",
      "2021-06-30",
      "--max-hold",
      "20",
      "--wait",
      "--report",
      report,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const vi = run.stdout.search(/Chiến lược (kém|vượt|ngang) chỉ số VN30/);
    const en = run.stdout.search(/The strategy (trails|beats|matches) the VN30 index/);
    expect(vi).toBeGreaterThan(0);
    expect(en).toBeGreaterThan(vi);
    expect(run.stdout).toMatch(/điểm %/);
    expect(run.stdout).toContain("Survivorship bias: symbols chosen today applied to the past");
    expect(run.stdout).toMatch(/^\s+strategy\s+equal-weight buy and hold\s+VN30 index$/m);
    expect(run.stdout).toMatch(/^vs: beta\s+—\s+-?\d+\.\d\d\s+-?\d+\.\d\d$/m);
    expect(run.stdout).toMatch(/^vs: information ratio\s+—/m);
    const html = await readFile(report, "utf8");
    expect(html).toContain('<section id="verdict"');
    expect(html).toContain("<th>VN30 index</th>");
  }, 120_000);
});

describe("vpa backtest --walk-forward", () => {
  it("chooses on each training window, trades the next test window, and reports in sample against out of sample", async () => {
    const report = join(directory, "wf.html");
    const run = await vpa([
      "backtest",
      "--symbols",
      SYMBOLS,
      "--from",
      "2018-06-01",
      "--to",
      "2021-05-31",
      "--walk-forward",
      "train=1y,test=1y",
      "--sweep",
      "min-score=50,70",
      "--sweep",
      "stop-loss=5,none",
      "--optimize",
      "cagr",
      "--wait",
      "--report",
      report,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("walk-forward wf-");
    expect(run.stdout).toContain("train 1y, test 1y, best cagr of min-score=50,70 stop-loss=5%,none");
    expect(run.stdout).toContain("every position is sold at each test window's end");
    expect(run.stdout).toMatch(/^\s*1\s+2018-06-01 → 2019-05-31\s+2019-06-01 → 2020-05-31\s+/m);
    expect(run.stdout).toMatch(/^\s*2\s+2019-06-01 → 2020-05-31\s+2020-06-01 → 2021-05-31\s+/m);
    expect(run.stdout).toContain("walk-forward (out of sample)");
    expect(run.stdout).toMatch(/The strategy (trails|beats|matches) the VN30 index/);
    const html = await readFile(report, "utf8");
    expect(html).toContain('id="walk-forward-windows"');
    expect(html).toContain("Out-of-sample equity (stitched) against the benchmarks");
    // The same command again is the same walk-forward: nothing is recomputed.
    const again = await vpa([
      "backtest",
      "--symbols",
      SYMBOLS,
      "--from",
      "2018-06-01",
      "--to",
      "2021-05-31",
      "--walk-forward",
      "train=1y,test=1y",
      "--sweep",
      "min-score=50,70",
      "--sweep",
      "stop-loss=5,none",
      "--optimize",
      "cagr",
    ]);
    expect(again.stdout).toMatch(
      /walk-forward of 2 windows \(8 training runs\) wf-\w+: submitted before and completed/,
    );
  }, 180_000);

  it("explains a walk-forward it cannot run", async () => {
    const base = ["backtest", "--symbols", "FPT", "--from", "2019-01-01", "--to", "2021-06-30"];
    const noTest = await vpa([...base, "--walk-forward", "train=3y", "--sweep", "min-score=50,70"]);
    expect(noTest.code).toBe(2);
    expect(noTest.stderr).toContain("--walk-forward needs both train= and test=");
    const noGrid = await vpa([...base, "--walk-forward", "train=1y,test=6m"]);
    expect(noGrid.stderr).toContain("--walk-forward needs the candidates to choose from: --sweep");
    const metric = await vpa([
      ...base,
      "--walk-forward",
      "train=1y,test=6m",
      "--sweep",
      "min-score=50,70",
      "--optimize",
      "sortino",
    ]);
    expect(metric.stderr).toContain("--optimize must be one of sharpe, cagr, calmar");
    const tooLong = await vpa([...base, "--walk-forward", "train=3y,test=1y", "--sweep", "min-score=50,70"]);
    expect(tooLong.stderr).toContain("not longer than one training window");
  });
});

/** A short run on one symbol, for the options that only change what is submitted. */
const FPT_JUNE_2021 = ["backtest", "--symbols", "FPT", "--from", "2021-06-01", "--to", "2021-06-30"];

describe("vpa backtest --flat-at-close", () => {
  it("submits a day trader's run that sells in each closing auction, and refuses it on daily bars", async () => {
    const base = [...FPT_JUNE_2021, "--flat-at-close"];
    const daily = await vpa(base);
    expect(daily.code).toBe(2);
    expect(daily.stderr).toContain("exitAtSessionEnd: flat at the close needs intraday bars");
    const intraday = await vpa([...base, "--timeframe", "15m", "--json"]);
    expect(intraday.code, intraday.stderr).toBe(0);
    const { runId } = JSON.parse(intraday.stdout) as { runId: string };
    expect((await getBacktestRun(database.db, runId))?.config).toMatchObject({
      timeframe: "15m",
      exitAtSessionEnd: true,
    });
  });
});

describe("vpa backtest --hnx-post-close", () => {
  it("submits a run whose HNX orders fill at the close in the post-close session", async () => {
    const run = await vpa([...FPT_JUNE_2021, "--hnx-post-close", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    expect((await getBacktestRun(database.db, runId))?.config).toMatchObject({ hnxPostClose: true });
  });
});

describe("vpa backtest --futures-margin", () => {
  it("submits a run on margin in percent, sweeps it, and refuses a deposit under brokers' least with the reason", async () => {
    const base = ["backtest", "--symbols", "VN30F1M", "--from", "2021-06-01", "--to", "2021-06-30"];
    const tooLittle = await vpa([...base, "--futures-margin", "17"]);
    expect(tooLittle.code).toBe(2);
    expect(tooLittle.stderr).toContain(
      "futuresMargin: from 0.2125 (VSDC's initial margin 0.17 at 80 % usage)",
    );
    const forcedAlone = await vpa([...base, "--forced-close", "85"]);
    expect(forcedAlone.code).toBe(2);
    expect(forcedAlone.stderr).toContain(
      "--forced-close applies to futures on margin: add --futures-margin P",
    );
    const onMargin = await vpa([...base, "--futures-margin", "25%", "--forced-close", "85", "--json"]);
    expect(onMargin.code, onMargin.stderr).toBe(0);
    const { runId } = JSON.parse(onMargin.stdout) as { runId: string };
    expect((await getBacktestRun(database.db, runId))?.config).toMatchObject({
      futuresMargin: 0.25,
      futuresForcedCloseUsage: 0.85,
    });
    const sweep = await vpa([...base, "--sweep", "futures-margin=25,50,none", "--json"]);
    expect(sweep.code, sweep.stderr).toBe(0);
    const swept = JSON.parse(sweep.stdout) as { runId: string };
    expect((await getBacktestRun(database.db, swept.runId))?.config).toMatchObject({
      kind: "sweep",
      grid: [{ key: "futuresMargin", values: [0.25, 0.5, null] }],
    });
  });
});
