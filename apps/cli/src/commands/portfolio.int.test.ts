/**
 * `vpa portfolio create|show|history` on a small case: two VN30 names of the fixture and a
 * stand-in index, Q1 2019, stepped by the scanner's update on the signals a scan stored.
 */
import { analyze, type BarColumns, type ConfirmationRecord, countBarsThrough } from "@vpa/core";
import {
  getPortfolio,
  insertConfirmations,
  insertSignals,
  markIndexSymbols,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
} from "../../../../packages/vpa-core/test/support/daily-bars-csv.ts";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { openPortfolioPosition, storePortfolioHolding } from "../../../../test-support/portfolio-position.ts";
import { updatePortfolios } from "../../../scanner/src/portfolio/update-portfolios.ts";
import { UsageError } from "../cli-error.ts";
import { portfolioCommand } from "./portfolio.ts";

const SYMBOLS = ["FPT", "VCB"];
let database: TestDatabase;

const rowsOf = (columns: BarColumns, through: string, scale = 1) =>
  columns.time.slice(0, countBarsThrough(columns.time, columns.time.length, through)).map((time, i) => ({
    time,
    open: columns.open[i]! * scale,
    high: columns.high[i]! * scale,
    low: columns.low[i]! * scale,
    close: columns.close[i]! * scale,
    volume: columns.volume[i]!,
  }));

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await portfolioCommand(
    database.db,
    args,
    (line) => lines.push(line),
    Date.parse("2019-01-01T03:00:00Z"),
  );
  return { code, out: lines.join("\n") };
}

beforeAll(async () => {
  database = await createTestDatabase();
  const series = (await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH, new Set(SYMBOLS))).series;
  const ids = await upsertStocks(
    database.db,
    SYMBOLS.map((symbol) => ({ symbol, exchange: "HOSE" as const })),
  );
  const indexId = (await markIndexSymbols(database.db, ["VN30"])).get("VN30")!;
  for (const s of series) {
    const bars = rowsOf(s.columns, "2019-03-29");
    await upsertBars(database.db, ids.get(s.symbol)!, "1D", bars);
    // The paper portfolio trades on stored signals: store what a scan of these bars stores.
    const records = analyze(s.symbol, bars);
    await insertSignals(
      database.db,
      ids.get(s.symbol)!,
      "1D",
      records.filter((r) => r.kind === "signal"),
    );
    await insertConfirmations(
      database.db,
      ids.get(s.symbol)!,
      "1D",
      records.filter((r): r is ConfirmationRecord => r.kind === "confirmation"),
    );
    if (s.symbol === "VCB") await upsertBars(database.db, indexId, "1D", rowsOf(s.columns, "2019-03-29", 10));
  }
});
afterAll(async () => {
  await database?.drop();
});

describe("vpa portfolio", () => {
  it("creates a portfolio, refuses a second of the same name, shows it and its history after an update", async () => {
    const created = await run([
      "create",
      "q1",
      "--symbols",
      "FPT,VCB",
      "--min-score",
      "30",
      "--stop-loss",
      "5",
      "--capital",
      "100000000",
      "--position-size",
      "40",
    ]);
    expect(created.code).toBe(0);
    expect(created.out).toContain("portfolio q1 created");
    expect((await run(["create", "q1"])).code).not.toBe(0);

    const empty = await run(["show", "q1", "--json"]);
    expect(JSON.parse(empty.out)).toMatchObject({
      portfolio: "q1",
      startedOn: "2019-01-01",
      lastSession: null,
    });

    const [summary] = await updatePortfolios(database.db);
    expect(summary).toMatchObject({ name: "q1", lastSession: "2019-03-29" });

    const shown = JSON.parse((await run(["show", "q1", "--json"])).out);
    const history = JSON.parse((await run(["history", "q1", "--json"])).out);
    expect(history.history.length).toBe(summary!.sessions);
    const last = history.history.at(-1);
    expect(shown.value).toBe(last.value);
    expect(shown.value).toBe(summary!.value);
    expect(shown.positions).toHaveLength(summary!.positions);
    expect(shown.lastSession).toBe("2019-03-29");
    expect(shown.dayReturn).toBeCloseTo(last.value / history.history.at(-2).value - 1, 12);
    expect(shown.indexDayReturn).toBeCloseTo(last.indexClose / history.history.at(-2).indexClose - 1, 12);
    expect(history.history[0].indexReturn).toBe(0);
    for (const p of shown.positions) expect(p.quantity % 100).toBe(0);
    expect(shown.closedTrades + shown.positions.length).toBeGreaterThan(0);

    const text = await run(["show", "q1"]);
    expect(text.out).toMatch(/value .*cash .*total/);
    expect(text.out).toContain("VN30");
    const table = await run(["history", "q1"]);
    expect(table.out.split("\n")).toHaveLength(summary!.sessions + 1);
    expect((await run(["show", "nope"])).code).not.toBe(0);
  });
});

describe("vpa portfolio show: a VN30 future on margin", () => {
  it("lists it in contracts and points, with its deposit and its return on it", async () => {
    await storePortfolioHolding(database.db, "futures", { futuresMargin: 0.25 }, [
      openPortfolioPosition({
        symbol: "VN30F1M",
        entryTime: "2024-01-03",
        entryPrice: 1_250_000,
        quantity: 300,
        lastPrice: 1_262_500,
        fees: 20_100,
        tax: 31_875,
      }),
    ]);
    const shown = await run(["show", "futures"]);
    expect(shown.code).toBe(0);
    const [header, row] = shown.out.split("\n").slice(-2);
    expect(header).toMatch(/qty\s+last\s+value\s+deposit\s+P\/L\s+P\/L %/);
    // 3 contracts at 1,250 points (not 300 at 1,250,000); +1 % of the index is +3.94 % of the 93.75 M deposited.
    expect(row).toMatch(
      /VN30F1M\s+2024-01-03\s+1,250\.0 pts\s+3 contracts\s+1,262\.5 pts\s+378,750,000\s+93,750,000\s+3,698,025\s+\+3\.94%/,
    );
  });
});

describe("vpa portfolio create: the strategy options read as vpa backtest reads them", () => {
  it("refuses an old-style fraction for a percentage, and stores the options it takes", async () => {
    // 0.07 would be a 0.07 % stop: refused, as `vpa backtest` refuses it, not stored.
    await expect(run(["create", "fraction", "--stop-loss", "0.07"])).rejects.toThrow(UsageError);
    await expect(run(["create", "fraction", "--stop-loss", "0.07"])).rejects.toThrow(
      "portfolio: --stop-loss 0.07 would be 0.07 %",
    );
    expect(await getPortfolio(database.db, "fraction")).toBeNull();
    await expect(run(["create", "margin", "--forced-close", "85"])).rejects.toThrow(
      "portfolio: --forced-close applies to futures on margin: add --futures-margin P",
    );

    const created = await run([
      "create",
      "plo",
      "--stop-loss",
      "7%",
      "--hnx-post-close",
      "--capital",
      "500_000_000",
    ]);
    expect(created.code).toBe(0);
    expect((await getPortfolio(database.db, "plo"))?.config).toMatchObject({
      strategy: { stopLoss: 0.07, hnxPostClose: true, initialCapital: 500_000_000 },
    });
  });
});

describe("vpa portfolio create: a VN30 future its sizing can never buy", () => {
  it("says so at creation, Vietnamese first, with the contract's cost at the last close; not on margin", async () => {
    const id = (await upsertStocks(database.db, [{ symbol: "VN30F1M" }])).get("VN30F1M")!;
    const bar = { time: "2019-03-29", open: 1000, high: 1000, low: 1000, close: 1000, volume: 10 };
    await upsertBars(database.db, id, "1D", [bar]);

    const paid = await run(["create", "fut-paid", "--symbols", "VN30F1M,FPT"]);
    expect(paid.code).toBe(0);
    const lines = paid.out.split("\n");
    // One contract at 1,000 points is 100 M VND, +0.15 % brokerage: more than 10 % of 1 bn VND.
    expect(lines[1]).toBe(
      "Cảnh báo: 10 % tài sản cho mỗi vị thế (100.000.000 VND) không đủ mua 1 hợp đồng VN30F1M (100.150.000 VND theo giá đóng cửa 1.000,0 điểm ngày 2019-03-29): danh mục sẽ không bao giờ mua mã này. Tăng --position-size hoặc --capital, hoặc dùng --futures-margin.",
    );
    expect(lines[2]).toBe(
      "Warning: 10 % of the equity per position (100,000,000 VND) buys no VN30F1M contract (100,150,000 VND at the 1,000.0-point close of 2019-03-29): the portfolio will never buy it. Raise --position-size or --capital, or use --futures-margin.",
    );

    const margined = await run(["create", "fut-margin", "--symbols", "VN30F1M", "--futures-margin", "25"]);
    expect(margined.out).not.toContain("Warning");
    const larger = await run(["create", "fut-large", "--symbols", "VN30F1M", "--position-size", "20"]);
    expect(larger.out).not.toContain("Warning");
  });
});
