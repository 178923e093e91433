/**
 * What HNX's post-close session (PLO) does to a backtest on the real data: the default strategy on
 * every HNX stock of ../shared/data (vn-symbols.csv says which), orders filled at the next open
 * (the default) and, with `hnxPostClose`, at the deciding close in the same day's PLO. Prints both
 * runs and how far the next open lay from each close a PLO fill took. A measurement behind
 * apps/backtest/README.md, not a test.
 *
 *   node_modules/.bin/node bench/backtest/hnx-post-close.ts [--from 2016-01-01] [--to 2021-07-15]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  analyzeBacktestSymbol,
  type BacktestTrade,
  createBacktestUniverse,
  runBacktestOnUniverse,
} from "../../packages/vpa-core/src/index.ts";
import {
  readDailyBarsCsvGz,
  SHARED_DAILY_DATA_PATH,
  sharedDataAvailable,
} from "../../packages/vpa-core/test/support/daily-bars-csv.ts";

const { values: args } = parseArgs({
  options: { from: { type: "string", default: "2016-01-01" }, to: { type: "string", default: "2021-07-15" } },
});
if (!sharedDataAvailable) {
  console.error(`needs ${SHARED_DAILY_DATA_PATH} (and vn-symbols.csv beside it)`);
  process.exit(2);
}
const hnx = new Set(
  readFileSync(SHARED_DAILY_DATA_PATH.replace(/vn-daily-[^/]+$/, "vn-symbols.csv"), "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.split(","))
    .filter((cells) => cells[2] === "HNX")
    .map((cells) => cells[0]!),
);
const data = await readDailyBarsCsvGz(SHARED_DAILY_DATA_PATH, hnx);
const analyzed = data.series.map((s) =>
  analyzeBacktestSymbol({ symbol: s.symbol, exchange: "HNX", columns: s.columns }),
);
const universe = createBacktestUniverse(analyzed, { from: args.from!, to: args.to! });
const columnsOf = new Map(data.series.map((s) => [s.symbol, s.columns]));
console.log(`${analyzed.length} HNX stocks, ${args.from} to ${args.to}, the default strategy`);

/** Mean of (the next bar's open ÷ the fill price − 1) over fills at `timeOf`, in percent. */
function nextOpenGap(trades: readonly BacktestTrade[], side: "entry" | "exit"): string {
  const gaps: number[] = [];
  for (const t of trades) {
    if (side === "exit" && t.exitReason === "end_of_period") continue;
    const columns = columnsOf.get(t.symbol)!;
    const i = columns.time.indexOf(side === "entry" ? t.entryTime : t.exitTime);
    if (i < 0 || i + 1 >= columns.time.length) continue;
    gaps.push((columns.open[i + 1]! * 1000) / (side === "entry" ? t.entryPrice : t.exitPrice) - 1);
  }
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  return `${(mean * 100).toFixed(2)} % (${gaps.length} fills)`;
}

const percent = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)} %`);
for (const hnxPostClose of [false, true]) {
  const result = runBacktestOnUniverse(universe, { hnxPostClose });
  const m = result.metrics;
  const meanNet = result.trades.reduce((a, t) => a + t.netReturn, 0) / result.trades.length;
  console.log(
    `${hnxPostClose ? "at the close (PLO)" : "at the next open  "}: ${result.trades.length} trades, total return ${percent(m.totalReturn)}, CAGR ${percent(m.cagr)}, max drawdown ${percent(m.maxDrawdown)}, win rate ${percent(m.winRate)}, mean net return per trade ${(meanNet * 100).toFixed(2)} %, PLO fills ${result.counters.filledPostClose}`,
  );
  if (hnxPostClose)
    console.log(
      `  next open vs a PLO fill's price: entries ${nextOpenGap(result.trades, "entry")}, exits ${nextOpenGap(result.trades, "exit")}`,
    );
}
