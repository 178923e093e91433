import { formatPercent, formatVnd, VN30_SYMBOLS } from "@vpa/backtest";
import {
  BacktestConfigError,
  initialPortfolioState,
  market,
  oneLotOutlayVnd,
  resolveBacktestConfig,
} from "@vpa/core";
import {
  createPortfolio,
  type Database,
  getPortfolio,
  indexDayReturn,
  listLatestBars,
  loadPortfolioPerformance,
  loadRecentBars,
  portfolioBenchmark,
  portfolioCapital,
  type StoredPortfolio,
  summarizePortfolio,
} from "@vpa/db";
import type { Kysely } from "kysely";
import type { AppContext } from "../app-context.ts";
import { EXIT, UsageError } from "../cli-error.ts";
import { countOf } from "../count-of.ts";
import { formatTable } from "../format-table.ts";
import { type ParsedCommandLine, parseList, parseOptions } from "../parse-options.ts";
import { strategyOptionsOf } from "../parse-strategy-options.ts";

/**
 * `vpa portfolio create|show|history NAME`: paper portfolios (README: Paper portfolios). The
 * scanner's daily scheduled scan steps them (apps/scanner/src/portfolio/update-portfolios.ts).
 */

type Values = ParsedCommandLine<"portfolio">["values"];

function vietnamToday(now: number): string {
  return market.toVietnamTime(now).date;
}

async function create(
  db: Kysely<Database>,
  name: string,
  values: Values,
  print: (line: string) => void,
  now: number,
) {
  let strategy: ReturnType<typeof resolveBacktestConfig>;
  try {
    strategy = resolveBacktestConfig(strategyOptionsOf("portfolio", values));
  } catch (error) {
    if (error instanceof BacktestConfigError) throw new UsageError(`portfolio: ${error.message}`);
    throw error;
  }
  const symbolsText = (values.symbols ?? "VN30").trim().toUpperCase();
  const symbols =
    symbolsText === "ALL" ? "ALL" : symbolsText === "VN30" ? [...VN30_SYMBOLS] : parseList(symbolsText);
  const startedOn = values.start ?? vietnamToday(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startedOn) || Number.isNaN(Date.parse(`${startedOn}T00:00:00Z`)))
    throw new UsageError(`portfolio: --start takes a date YYYY-MM-DD (got ${startedOn})`);
  const benchmark = (values.benchmark ?? "VN30").trim().toUpperCase();
  const created = await createPortfolio(db, {
    name,
    config: { strategy, symbols, benchmark },
    startedOn,
    state: initialPortfolioState(strategy),
  });
  if (created === null) {
    print(`portfolio ${name} exists already (vpa portfolio show ${name})`);
    return EXIT.failure;
  }
  print(
    `portfolio ${name} created: ${formatVnd(strategy.initialCapital)} from ${startedOn}, ${
      symbols === "ALL" ? "every active stock" : countOf(symbols?.length ?? 0, "symbol")
    }, compared with ${benchmark}. The daily scan steps it after each close.`,
  );
  if (symbols !== "ALL" && symbols !== undefined)
    for (const line of await unbuyableFutures(db, strategy, symbols)) print(line);
  return EXIT.ok;
}

/**
 * A warning, Vietnamese then English, for each VN30 future of the list whose smallest order (one
 * contract, paid in full or its deposit on margin) costs more at its last daily close than a
 * position's share of the capital: the portfolio would never buy it, and say nothing.
 */
async function unbuyableFutures(
  db: Kysely<Database>,
  strategy: ReturnType<typeof resolveBacktestConfig>,
  symbols: readonly string[],
): Promise<string[]> {
  const futures = symbols.filter((symbol) => market.isIndexFuture(symbol));
  if (futures.length === 0) return [];
  const share = strategy.positionFraction * strategy.initialCapital;
  const percent = Number((strategy.positionFraction * 100).toFixed(2));
  const lines: string[] = [];
  for (const latest of await listLatestBars(db, "1D", futures)) {
    const [bar] = await loadRecentBars(db, { stockId: latest.stockId, timeframe: "1D", limit: 1 });
    if (bar === undefined) continue;
    const outlay = oneLotOutlayVnd(latest.symbol, bar.close * 1000, strategy);
    if (share >= outlay) continue;
    const vnd = (value: number, locale: string) => Math.round(value).toLocaleString(locale);
    const points = (locale: string) =>
      bar.close.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    lines.push(
      `Cảnh báo: ${String(percent).replace(".", ",")} % tài sản cho mỗi vị thế (${vnd(share, "vi-VN")} VND) không đủ mua 1 hợp đồng ${latest.symbol} (${vnd(outlay, "vi-VN")} VND theo giá đóng cửa ${points("vi-VN")} điểm ngày ${latest.time}): danh mục sẽ không bao giờ mua mã này. Tăng --position-size hoặc --capital, hoặc dùng --futures-margin.`,
      `Warning: ${percent} % of the equity per position (${vnd(share, "en-US")} VND) buys no ${latest.symbol} contract (${vnd(outlay, "en-US")} VND at the ${points("en-US")}-point close of ${latest.time}): the portfolio will never buy it. Raise --position-size or --capital, or use --futures-margin.`,
    );
  }
  return lines;
}

/**
 * A position's quantity and a price of it as quoted (vpa-core's quotePosition): a stock's shares
 * and VND, a VN30 future's contracts and index points.
 */
function quoted(symbol: string, quantity: number, priceVnd: number | null) {
  const q = market.quotePosition(symbol, quantity, priceVnd ?? Number.NaN);
  if (!q.future) return { quantity: String(q.quantity), price: formatVnd(priceVnd) };
  return {
    quantity: `${q.quantity} contracts`,
    price: Number.isFinite(q.price)
      ? `${q.price.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} pts`
      : formatVnd(null),
  };
}

async function show(
  db: Kysely<Database>,
  portfolio: StoredPortfolio,
  json: boolean,
  print: (line: string) => void,
) {
  // The same reading as the bot's /portfolio (packages/db: summarizePortfolio).
  const summary = await summarizePortfolio(db, portfolio);
  const open = summary.positions;
  if (json) {
    print(JSON.stringify(summary));
    return EXIT.ok;
  }
  print(
    `portfolio ${portfolio.name} (from ${portfolio.startedOn}; last close ${portfolio.lastSession ?? "none yet"})`,
  );
  print(
    `value ${formatVnd(summary.value)}  cash ${formatVnd(summary.cash)}  total ${formatPercent(summary.totalReturn)}`,
  );
  print(
    `last session ${formatPercent(summary.dayReturn)}  ${summary.benchmark} ${formatPercent(summary.indexDayReturn)}`,
  );
  print(`closed trades ${summary.closedTrades}, realised ${formatVnd(summary.realizedPnl)}`);
  if (open.length === 0) {
    print("no open positions");
    return EXIT.ok;
  }
  // Futures on margin: the deposit, on which their P/L % is (the value is the contracts').
  const onMargin = open.some((p) => p.deposit !== null);
  print(
    formatTable(
      [
        "symbol",
        "entry",
        "entry price",
        "qty",
        "last",
        "value",
        ...(onMargin ? ["deposit"] : []),
        "P/L",
        "P/L %",
      ],
      open.map((p) => {
        const entry = quoted(p.symbol, p.quantity, p.entryPrice);
        return [
          p.symbol,
          p.entryTime,
          entry.price,
          entry.quantity,
          quoted(p.symbol, p.quantity, p.lastPrice).price,
          formatVnd(p.marketValue),
          ...(onMargin ? [p.deposit === null ? "-" : formatVnd(p.deposit)] : []),
          formatVnd(p.unrealizedPnl),
          formatPercent(p.unrealizedReturn),
        ];
      }),
    ),
  );
  return EXIT.ok;
}

async function history(
  db: Kysely<Database>,
  portfolio: StoredPortfolio,
  json: boolean,
  print: (line: string) => void,
) {
  const performance = await loadPortfolioPerformance(db, portfolio.id);
  const capital = portfolioCapital(portfolio);
  const firstIndex = performance.find((r) => r.indexClose !== null)?.indexClose ?? null;
  const rows = performance.map((r, i) => ({
    ...r,
    totalReturn: capital > 0 ? r.value / capital - 1 : null,
    indexReturn: firstIndex === null || r.indexClose === null ? null : r.indexClose / firstIndex - 1,
    indexDayReturn: indexDayReturn(performance[i - 1], r),
  }));
  if (json) {
    print(JSON.stringify({ portfolio: portfolio.name, initialCapital: capital, history: rows }));
    return EXIT.ok;
  }
  if (rows.length === 0) {
    print(`portfolio ${portfolio.name}: no close stepped yet`);
    return EXIT.ok;
  }
  const benchmark = portfolioBenchmark(portfolio);
  print(
    formatTable(
      ["date", "value", "day", "total", "positions", benchmark, `${benchmark} day`, `${benchmark} total`],
      rows.map((r) => [
        r.date,
        formatVnd(r.value),
        formatPercent(r.dailyReturn),
        formatPercent(r.totalReturn),
        r.positions,
        r.indexClose === null ? "—" : r.indexClose.toFixed(2),
        formatPercent(r.indexDayReturn),
        formatPercent(r.indexReturn),
      ]),
    ),
  );
  return EXIT.ok;
}

/** The command on a database, printing through `print` (tests call this directly). */
export async function portfolioCommand(
  db: Kysely<Database>,
  args: readonly string[],
  print: (line: string) => void,
  now: number = Date.now(),
): Promise<number> {
  const { values, positionals } = parseOptions("portfolio", args);
  const [action, name, ...rest] = positionals;
  if (action === undefined || !["create", "show", "history"].includes(action))
    throw new UsageError("portfolio: create, show or history NAME");
  if (name === undefined || !/^[\w.-]{1,64}$/.test(name))
    throw new UsageError(`portfolio ${action}: a NAME (letters, digits, . _ -; up to 64)`);
  if (rest.length > 0) throw new UsageError(`portfolio: unexpected ${rest.join(" ")}`);
  if (action === "create") return create(db, name, values, print, now);
  const portfolio = await getPortfolio(db, name);
  if (portfolio === null) {
    print(`no portfolio ${name} (vpa portfolio create ${name} ...)`);
    return EXIT.failure;
  }
  const json = values.json === true;
  return action === "show" ? show(db, portfolio, json, print) : history(db, portfolio, json, print);
}

export async function runPortfolio(app: AppContext, args: readonly string[]): Promise<number> {
  return portfolioCommand(app.database.db, args, (line) => console.log(line));
}
