import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const NODE = resolve(ROOT, "node_modules/.bin/node");
const MAIN = resolve(ROOT, "apps/cli/src/main.ts");
const CORPUS = resolve(import.meta.dirname, "fixtures/corpus");

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "vpa-import-cli-"));
});
afterAll(async () => {
  await database?.drop();
});

function vpa(args: string[]) {
  const result = spawnSync(NODE, [MAIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", DATABASE_URL: database.url },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("vpa import exit codes and report", () => {
  it("exits 3 on the bad-row corpus, prints counts, and writes every row to --report", async () => {
    const report = join(dir, "report.tsv");
    // BBB on HOSE (±7%) through --stocks: its +14.6% day is flagged.
    const stocks = join(dir, "stocks.csv");
    await writeFile(stocks, "ticker,name,exchange\nBBB,B Corp,HOSE\n");
    const { code, stdout } = vpa(["import", CORPUS, "--stocks", stocks, "--report", report]);
    expect(code).toBe(3);
    expect(stdout).toContain("imported 14 bars of 4 symbols from 3 files");
    expect(stdout).toContain("1 stock name");
    expect(stdout).toContain("rejected 25 rows:");
    expect(stdout).toContain("  duplicate-time: 2");
    expect(stdout).toContain("stored but flagged 3 rows:");
    expect(stdout).toContain("  possible-adjustment: 2");
    // The first daily history in an empty track record: how to give alerts their evidence.
    expect(stdout).toContain(
      "tiếp theo / next: vpa scan --lookback-days 36500 --no-alerts --wait && vpa study --update",
    );
    const lines = (await readFile(report, "utf8")).trimEnd().split("\n");
    expect(lines[0]).toBe("file\tline\tstatus\treason\tdetail");
    expect(lines).toHaveLength(1 + 25 + 3);
    const rows = lines.slice(1).map((line) => line.split("\t"));
    expect(rows.map((r) => [r[0]?.replace(`${CORPUS}/`, ""), r[1], r[2], r[3]])).toContainEqual([
      "multi-symbol.csv",
      "18",
      "rejected",
      "duplicate-time",
    ]);
    expect(rows.filter((r) => r[2] === "stored").map((r) => r[3])).toEqual([
      "possible-adjustment",
      "unsorted-time",
      "possible-adjustment",
    ]);
    // Re-import: the same report, nothing new written.
    const again = vpa(["import", CORPUS, "--json"]);
    expect(again.code).toBe(3);
    expect(JSON.parse(again.stdout)).toMatchObject({ barsAccepted: 14, barsWritten: 0, rejectedTotal: 25 });
  });

  it("exits 0 when rows are only flagged (stored), and 4 when nothing could be imported", async () => {
    const jumps = join(dir, "jump.csv");
    await writeFile(
      jumps,
      "date,open,high,low,close,volume\n2021-01-04,10,10,10,10,1\n2021-01-05,20,20,20,20,1\n",
    );
    const flagged = vpa(["import", jumps]);
    expect(flagged.code).toBe(0);
    expect(flagged.stdout).toContain("possible-adjustment: 1");

    const allBad = join(dir, "allbad.csv");
    await writeFile(
      allBad,
      "date,open,high,low,close,volume\n2021-01-04,x,10,10,10,1\n2021-01-05,20,10,20,20,1\n",
    );
    const nothing = vpa(["import", allBad]);
    expect(nothing.code).toBe(4);
    expect(nothing.stdout).toContain("rejected 2 rows:");
  });

  it("converts --price-unit vnd and refuses unknown --format or --price-unit values (exit 2)", async () => {
    const vnd = join(dir, "vnd.jsonl");
    await writeFile(vnd, '{"symbol":"VND","t":1609718400,"o":23450,"h":23500,"l":23000,"c":23400,"v":5}\n');
    const imported = vpa(["import", vnd, "--price-unit", "vnd", "--json"]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ barsAccepted: 1 });
    expect(vpa(["import", vnd, "--format", "xml"]).code).toBe(2);
    expect(vpa(["import", vnd, "--price-unit", "usd"]).code).toBe(2);
  });

  it("refuses a file priced in VND over bars stored in thousand VND (exit 4), names --price-unit, overwrites nothing", async () => {
    const thousand = join(dir, "vcb.csv");
    await writeFile(
      thousand,
      "date,open,high,low,close,volume\n2021-07-13,23.3,23.5,23.2,23.4,100\n2021-07-14,23.4,23.5,23.3,23.45,200\n",
    );
    expect(vpa(["import", thousand]).code).toBe(0);
    const vnd = join(dir, "vcb-vnd.csv");
    await writeFile(
      vnd,
      "date,open,high,low,close,volume\n2021-07-14,23400,23500,23300,23450,200\n2021-07-15,23450,23600,23400,23500,300\n",
    );
    const refused = vpa(["import", vnd, "--report", join(dir, "vnd-report.tsv")]);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toContain("rejected 2 rows:");
    expect(refused.stdout).toContain("  price-jump: 2");
    expect(refused.stdout).toContain(
      "price-jump (close 23450 is 1000× the stored close 23.45 of VCB on 2021-07-14: the file may be priced in VND; import it with --price-unit vnd)",
    );
    const json = JSON.parse(vpa(["import", thousand, "--json"]).stdout);
    expect(json).toMatchObject({ barsAccepted: 2, barsWritten: 0 });
    const converted = vpa(["import", vnd, "--price-unit", "vnd", "--json"]);
    expect(converted.code).toBe(0);
    expect(JSON.parse(converted.stdout)).toMatchObject({ barsAccepted: 2, barsWritten: 1, rejectedTotal: 0 });
  });

  it("imports the VN30F1M 15-minute sample (a comment line before the header, local times)", () => {
    const sample = resolve(ROOT, "fixtures/vn30f1m-15m-sample.csv");
    const imported = vpa(["import", sample, "--timeframe", "15m", "--symbol", "VN30F1M", "--json"]);
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      rowsRead: 2000,
      barsAccepted: 2000,
      rejectedTotal: 0,
    });
  });
});

describe("vpa import's next step", () => {
  it("is not suggested for a re-import that wrote nothing, nor for intraday bars", () => {
    const again = vpa(["import", CORPUS]);
    expect(again.stdout).toContain("(0 new or changed)");
    expect(again.stdout).not.toContain("--no-alerts");
    const intraday = vpa(["import", resolve(ROOT, "fixtures/vn30f1m-1m-sample.csv"), "--timeframe", "1m"]);
    expect(intraday.code, intraday.stderr).toBe(0);
    expect(intraday.stdout).toContain("(2,400 new or changed)");
    expect(intraday.stdout).not.toContain("--no-alerts");
  });
});
