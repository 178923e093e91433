import { type BreakdownRow, market, type RelativeMetrics } from "@vpa/core";
import {
  type BacktestReport,
  isWalkForwardReport,
  type ReportBenchmark,
  type WalkForwardReport,
} from "../load-backtest-report.ts";
import {
  type BilingualText,
  describeAgainstBenchmarks,
  describeIndexCoverage,
  describeRunPeriod,
  describeSurvivorship,
  describeUntradedEntries,
} from "./benchmark-verdict.ts";
import { escapeHtml, formatNumber, formatPercent, formatVnd } from "./format-values.ts";
import { renderLineChart, renderMonthlyHeatMap } from "./svg-charts.ts";

/** Trades listed in full in the HTML (all of them are in `--json`). */
export const REPORT_TRADE_ROWS = 2_000;

const STYLE = `
body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2733;margin:0;background:#f6f7f9}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.sub{color:#5b6776;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.card{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:20px}.card span{color:#5b6776;font-size:12px}
.pos{color:#12813c}.neg{color:#c62828}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border-bottom:1px solid #e3e6ea;padding:4px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#eef1f4;position:sticky;top:0}
.chart{width:100%;height:auto;background:#fff;border:1px solid #e3e6ea;border-radius:8px}
.axis{font-size:11px;fill:#5b6776}.legend{font-size:12px;fill:#1d2733}.cellText{font-size:11px;fill:#1d2733}
.scroll{max-height:520px;overflow:auto;border:1px solid #e3e6ea}
details{margin-top:8px}footer{color:#5b6776;font-size:12px;margin-top:32px}
.verdict{background:#fff;border:1px solid #e3e6ea;border-left:4px solid #12813c;border-radius:8px;padding:8px 14px;margin:0 0 16px}
.verdict.trails{border-left-color:#c62828}.verdict p{margin:6px 0}.verdict .main{font-weight:600}
.verdict .note{color:#5b6776;font-size:13px}
`;

const signClass = (value: number | null | undefined) =>
  value === null || value === undefined || value === 0 ? "" : value > 0 ? "pos" : "neg";

function table(header: readonly string[], rows: readonly (readonly string[])[], id?: string): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  // Cells arrive already escaped (they may carry a class span): see cell().
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<table${id === undefined ? "" : ` id="${escapeHtml(id)}"`}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A table cell: escaped text, coloured by the sign of `value` when given. */
function cell(text: string, value?: number | null): string {
  const cls = value === undefined ? "" : signClass(value);
  return cls === "" ? escapeHtml(text) : `<span class="${cls}">${escapeHtml(text)}</span>`;
}

function breakdownTable(title: string, rows: readonly BreakdownRow[], id: string): string {
  return `<h2>${escapeHtml(title)}</h2><div class="scroll">${table(
    ["", "trades", "win rate", "net P&L (VND)", "avg return", "avg days"],
    rows.map((r) => [
      cell(r.key),
      cell(String(r.trades)),
      cell(formatPercent(r.winRate, 1, false)),
      cell(formatVnd(r.netPnl), r.netPnl),
      cell(formatPercent(r.averageReturn), r.averageReturn),
      cell(formatNumber(r.averageHoldingDays, 1)),
    ]),
    id,
  )}</div>`;
}

/** A benchmark's name as a column or legend shows it. */
function benchmarkName(benchmark: Pick<ReportBenchmark, "name" | "kind">): string {
  return benchmark.kind === "index" ? `${benchmark.name} index` : benchmark.name;
}

/** Two paragraphs, Vietnamese first. */
function bilingual(text: BilingualText, className: string, id?: string): string {
  const idAttribute = id === undefined ? "" : ` id="${escapeHtml(id)}"`;
  return (
    `<p class="${className}" lang="vi"${idAttribute}>${escapeHtml(text.vi)}</p>` +
    `<p class="${className}" lang="en">${escapeHtml(text.en)}</p>`
  );
}

/**
 * The sentences at the top: how the strategy did against its benchmarks (plainly, when it
 * trails), why the index is missing when it is, the buy orders its sizing could never place, and
 * the survivorship bias of the symbol list.
 */
function renderVerdict(report: BacktestReport): string {
  const against = describeAgainstBenchmarks(report);
  const coverage = describeIndexCoverage(report.indexCoverage, report.period);
  const comparedIndex = report.benchmarks.find((b) => b.kind === "index")?.name ?? null;
  const survivorship = describeSurvivorship(report.runConfig.symbols, comparedIndex);
  const untraded = describeUntradedEntries(report);
  return `<section id="verdict" class="verdict${against?.trails === true ? " trails" : ""}">${
    against === null ? "" : bilingual(against, "main", "against-benchmarks")
  }${coverage === null ? "" : bilingual(coverage, "note", "index-coverage")}${
    untraded === null ? "" : bilingual(untraded, "note", "untraded-entries")
  }${bilingual(survivorship, "note", "survivorship")}</section>`;
}

function describeStrategy(report: BacktestReport): string {
  const c = report.engineConfig;
  const exits = [
    c.stopLoss === null ? null : `stop loss ${formatPercent(c.stopLoss, 1, false)}`,
    c.takeProfit === null ? null : `take profit ${formatPercent(c.takeProfit, 1, false)}`,
    c.trailingStop === null ? null : `trailing stop ${formatPercent(c.trailingStop, 1, false)}`,
    c.maxHoldDays === null ? null : `max hold ${c.maxHoldDays} sessions`,
    c.exitOnBearSignal ? `bear signal (score ≥ ${c.exitMinScore})` : null,
    // Absent in runs stored before the option existed.
    c.exitAtSessionEnd === true ? "đóng vị thế trong phiên ATC / flat at the close (closing auction)" : null,
  ].filter((x) => x !== null);
  return [
    `Entries: ${c.entrySignals.join(", ")}; score ≥ ${c.minScore}, confidence ≥ ${c.minConfidence}${c.requireConfirmation ? ", after confirmation" : ""}; order at the next open.`,
    // Absent in runs stored before the option existed.
    c.hnxPostClose === true
      ? "Cổ phiếu HNX: lệnh khớp tại giá đóng cửa trong phiên sau giờ (PLO) cùng ngày / HNX stocks: orders decided at the close fill at it in the same day's post-close session (PLO)."
      : null,
    `Sizing: ${formatPercent(c.positionFraction, 1, false)} of equity per position, at most ${c.maxPositions} positions; capital ${formatVnd(c.initialCapital)} VND.`,
    `Exits: ${exits.length === 0 ? "none but the end of the period" : exits.join(", ")}.`,
    `Costs: brokerage ${formatPercent(c.brokerageRate, 2, false)} per side, 0.10% sell tax, slippage ${c.slippageTicks} tick(s); T+${c.settlementDays}; board lots of 100; no buy at the ceiling, no sell at the floor.`,
    describeFuturesMargin(report),
  ]
    .filter((line) => line !== null)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join("");
}

/**
 * How the run traded VN30 futures, when it could trade one: on margin (deposit, leverage, the
 * forced close) or paying the whole value. Runs stored before the option existed have neither
 * field: unleveraged.
 */
function describeFuturesMargin(report: BacktestReport): string | null {
  const c = report.engineConfig;
  const margin = c.futuresMargin ?? null;
  const symbols = report.runConfig.symbols;
  const tradesFutures = Array.isArray(symbols) && symbols.some((symbol) => market.isIndexFuture(symbol));
  if (margin === null && !tradesFutures) return null;
  if (margin === null)
    return "HĐ tương lai VN30: trả đủ giá trị hợp đồng, không đòn bẩy / VN30 futures: the contract's whole value paid, no leverage.";
  const deposit = formatPercent(margin, 2, false);
  const leverage = (1 / margin).toLocaleString("vi-VN", { maximumFractionDigits: 1 });
  const usage = formatPercent(c.futuresForcedCloseUsage ?? 0.9, 0, false);
  return `HĐ tương lai VN30 ký quỹ ${deposit} giá trị vị thế (đòn bẩy ${leverage}×), đóng bắt buộc khi tỷ lệ sử dụng ký quỹ ≥ ${usage} / VN30 futures on margin: a deposit of ${deposit} of the position's value (leverage ${(1 / margin).toFixed(1)}×), force-closed at ${usage} margin usage.`;
}

/** Parameters that are fractions (0.07) read as percentages (7%); null turns a rule off. */
const FRACTION_PARAMETERS = new Set([
  "stopLoss",
  "takeProfit",
  "trailingStop",
  "positionFraction",
  "futuresMargin",
]);

function formatParameter(key: string, value: number | null): string {
  if (value === null) return "none";
  return FRACTION_PARAMETERS.has(key) ? `${Number((value * 100).toFixed(4))}%` : String(value);
}

/** What a walk-forward chose in sample and got out of sample, window by window. */
function renderWalkForward(report: WalkForwardReport): string {
  const wf = report.walkForward;
  const metric = wf.optimize;
  const metricLabel = metric === "sharpe" ? "Sharpe" : metric === "cagr" ? "CAGR" : "Calmar";
  const formatMetric = (value: number | null) =>
    metric === "cagr" ? formatPercent(value) : formatNumber(value);
  const rows = report.windows.map((w) => {
    const params =
      w.chosen === null
        ? "none: held in cash"
        : Object.entries(w.chosen.params)
            .map(([key, value]) => `${key}=${formatParameter(key, value ?? null)}`)
            .join(", ");
    const inSample = w.chosen?.inSample[metric] ?? null;
    const outOfSample = w.outOfSample.metrics[metric];
    return [
      cell(String(w.window.index + 1)),
      cell(`${w.window.trainFrom} → ${w.window.trainTo}`),
      cell(`${w.window.testFrom} → ${w.window.testTo}`),
      cell(params),
      cell(formatMetric(inSample), inSample),
      cell(formatPercent(w.chosen?.inSample.totalReturn ?? null), w.chosen?.inSample.totalReturn ?? null),
      cell(formatMetric(outOfSample), outOfSample),
      cell(formatPercent(w.outOfSample.totalReturn), w.outOfSample.totalReturn),
      cell(String(w.outOfSample.metrics.trades)),
      cell(formatVnd(w.outOfSample.endEquity)),
    ];
  });
  const mean = (values: readonly (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
    return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
  };
  const inSampleMean = mean(report.windows.map((w) => w.chosen?.inSample[metric] ?? null));
  const outOfSampleMean = mean(
    report.windows.filter((w) => w.chosen !== null).map((w) => w.outOfSample.metrics[metric]),
  );
  const years = (months: number) => (months % 12 === 0 ? `${months / 12}y` : `${months}m`);
  const grid = wf.grid
    .map((g) => `${g.key} ∈ {${g.values.map((v) => formatParameter(g.key, v)).join(", ")}}`)
    .join("; ");
  return `<h2>Walk-forward: in sample against out of sample</h2>
<p class="sub">${escapeHtml(
    `Each window trains ${years(wf.trainMonths)}, tests the following ${years(wf.testMonths)}, then rolls forward by the test length. ` +
      `On each training window every combination of ${grid} is backtested and the best by ${metricLabel} is kept (ties: the first in grid order; a window where no combination has a ${metricLabel} is held in cash). ` +
      `The choice is then traded on the test window, which starts with the cash the previous one ended with; every position is sold at each test window's last close, so only cash is carried across. ` +
      `The curves above are the test windows stitched together: out-of-sample only.`,
  )}</p>
<p class="sub" id="in-vs-out">${escapeHtml(
    `Mean ${metricLabel} of the chosen parameters: ${formatMetric(inSampleMean)} in sample, ${formatMetric(outOfSampleMean)} out of sample.`,
  )}</p>
<div class="scroll">${table(
    [
      "window",
      "training",
      "test",
      "chosen parameters",
      `in-sample ${metricLabel}`,
      "in-sample return",
      `out-of-sample ${metricLabel}`,
      "out-of-sample return",
      "trades",
      "equity at the end (VND)",
    ],
    rows,
    "walk-forward-windows",
  )}</div>`;
}

const relativeRows: [string, (r: RelativeMetrics) => string][] = [
  ["excess return (points)", (r) => formatPercent(r.excessReturn)],
  ["beta", (r) => formatNumber(r.beta)],
  ["alpha (annualised)", (r) => formatPercent(r.alpha)],
  ["tracking error", (r) => formatPercent(r.trackingError, 2, false)],
  ["information ratio", (r) => formatNumber(r.informationRatio)],
];

/**
 * The report of one run (or of a walk-forward's stitched out-of-sample curve) as a single
 * self-contained HTML page: inline CSS and SVG, no script and no network resource, every dynamic
 * string escaped. Opens anywhere, offline.
 */
export function renderBacktestReportHtml(report: BacktestReport | WalkForwardReport): string {
  const walkForward = isWalkForwardReport(report) ? report : null;
  const title = `${walkForward === null ? "Backtest" : "Walk-forward"} ${report.runId}`;
  const m = report.metrics;
  const e = report.equity;
  const universeLabel = Array.isArray(report.runConfig.symbols)
    ? report.runConfig.symbols.join(", ")
    : report.runConfig.symbols;
  const index = report.benchmarks.find((b) => b.kind === "index");
  const cards: [string, string, number | null][] = [
    ["Total return", formatPercent(m.totalReturn), m.totalReturn],
    ["CAGR", formatPercent(m.cagr), m.cagr],
    ["Sharpe", formatNumber(m.sharpe), m.sharpe],
    ["Max drawdown", formatPercent(m.maxDrawdown), m.maxDrawdown],
    ["Trades", String(m.trades), null],
    ["Win rate", formatPercent(m.winRate, 1, false), null],
    ["Profit factor", formatNumber(m.profitFactor), null],
    ["Final equity (VND)", formatVnd(m.finalEquity), m.finalEquity - m.initialCapital],
    ...(index?.relative == null
      ? []
      : ([
          [
            `vs ${index.name} index (points)`,
            formatPercent(index.relative.excessReturn),
            index.relative.excessReturn,
          ],
        ] as [string, string, number | null][])),
  ];
  const benchmarkSeries = [
    {
      name: walkForward === null ? "strategy" : "strategy (out of sample)",
      values: e.equity,
      color: "#1565c0",
    },
    {
      name:
        report.benchmarks[0] === undefined
          ? "equal-weight buy and hold"
          : benchmarkName(report.benchmarks[0]),
      values: e.benchmark,
      color: "#8d99a6",
    },
    ...(e.index === null
      ? []
      : [{ name: index === undefined ? "index" : benchmarkName(index), values: e.index, color: "#ef6c00" }]),
  ];
  const metricRows: [
    string,
    (x: { totalReturn: number; cagr: number | null; maxDrawdown: number; sharpe: number | null }) => string,
  ][] = [
    ["total return", (x) => formatPercent(x.totalReturn)],
    ["CAGR", (x) => formatPercent(x.cagr)],
    ["max drawdown", (x) => formatPercent(x.maxDrawdown)],
    ["Sharpe", (x) => formatNumber(x.sharpe)],
  ];
  const comparison = table(
    ["", "strategy", ...report.benchmarks.map(benchmarkName)],
    [
      ...metricRows.map(([label, f]) => [
        cell(label),
        cell(f(m)),
        ...report.benchmarks.map((b) => cell(f(b))),
      ]),
      ...relativeRows.map(([label, f]) => [
        cell(`strategy: ${label}`),
        cell("—"),
        ...report.benchmarks.map((b) =>
          b.relative === null
            ? cell("—")
            : cell(f(b.relative), label.startsWith("excess") ? b.relative.excessReturn : undefined),
        ),
      ]),
    ],
    "comparison",
  );
  const allMetrics = table(
    ["metric", "value"],
    [
      ["annualised volatility", formatPercent(m.annualVolatility, 2, false)],
      ["Sortino", formatNumber(m.sortino)],
      ["Calmar", formatNumber(m.calmar)],
      ["longest drawdown", `${m.maxDrawdownDays} days`],
      ["expectancy per trade", `${formatVnd(m.expectancy)} VND (${formatPercent(m.expectancyReturn)})`],
      ["average win", `${formatVnd(m.averageWin)} VND (${formatPercent(m.averageWinReturn)})`],
      ["average loss", `${formatVnd(m.averageLoss)} VND (${formatPercent(m.averageLossReturn)})`],
      ["average holding", `${formatNumber(m.averageHoldingDays, 1)} sessions`],
      ["exposure (invested / equity)", formatPercent(m.exposure, 1, false)],
      ["time in market", formatPercent(m.timeInMarket, 1, false)],
      ["brokerage paid", `${formatVnd(m.feesPaid)} VND`],
      ["sell tax paid", `${formatVnd(m.taxPaid)} VND`],
      [
        "entry signals / filled",
        `${report.counters.entrySignals} / ${report.counters.entriesFilled}${report.engineConfig.hnxPostClose === true ? `; orders filled in HNX's post-close session ${report.counters.filledPostClose ?? 0}` : ""}`,
      ],
      [
        "entries skipped",
        `max positions ${report.counters.entriesSkippedMaxPositions}, held ${report.counters.entriesSkippedAlreadyHeld}, ceiling ${report.counters.entriesSkippedCeiling}, cash ${report.counters.entriesSkippedCash}, below one lot ${report.counters.entriesSkippedBelowOneLot ?? 0}${report.engineConfig.exitAtSessionEnd === true ? `, closing auction ${report.counters.entriesSkippedSessionEnd ?? 0}` : ""}`,
      ],
      [
        "sells delayed",
        `T+${report.engineConfig.settlementDays} ${report.counters.exitsDelayedSettlement}, floor ${report.counters.exitsDelayedFloor}`,
      ],
    ].map(([a, b]) => [cell(a!), cell(b!)]),
    "metrics",
  );
  const shown = report.trades.slice(0, REPORT_TRADE_ROWS);
  const trades = table(
    [
      "symbol",
      "signal",
      "signal day",
      "entry",
      "price",
      "qty",
      "exit",
      "price",
      "reason",
      "days",
      "net P&L (VND)",
      "return",
    ],
    shown.map((t) => [
      cell(t.symbol),
      cell(t.signalType),
      cell(t.signalTime),
      cell(t.entryTime),
      cell(formatVnd(t.entryPrice)),
      cell(formatVnd(t.quantity)),
      cell(t.exitTime),
      cell(formatVnd(t.exitPrice)),
      cell(t.exitReason),
      cell(String(t.holdingDays)),
      cell(formatVnd(t.netPnl), t.netPnl),
      cell(formatPercent(t.netReturn), t.netReturn),
    ]),
    "trades",
  );
  const missing =
    report.universe.missing.length === 0 ? "" : ` · no bars for ${report.universe.missing.join(", ")}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(`${universeLabel} · ${report.universe.symbols} symbols · ${describeRunPeriod(report.period).replace(", ", " · ")}${walkForward === null ? "" : ` out of sample in ${walkForward.windows.length} test windows`}`)}${escapeHtml(missing)}</p>
${renderVerdict(report)}
<div class="cards">${cards.map(([label, value, sign]) => `<div class="card"><b class="${signClass(sign)}">${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join("")}</div>
<h2>${walkForward === null ? "Equity against the benchmarks" : "Out-of-sample equity (stitched) against the benchmarks"}</h2>
${renderLineChart({ id: "equity-chart", title: "Equity (VND) against the benchmarks", times: e.time, series: benchmarkSeries, formatY: (v) => `${formatNumber(v / 1e6, 0)}M` })}
${walkForward === null ? "" : renderWalkForward(walkForward)}
<h2>Drawdown</h2>
${renderLineChart({ id: "drawdown-chart", title: "Drawdown", times: e.time, series: [{ name: "drawdown", values: e.drawdown, color: "#c62828" }], height: 180, area: true, formatY: (v) => formatPercent(v, 0, false) })}
<h2>Monthly returns</h2>
${renderMonthlyHeatMap(report.monthlyReturns)}
<h2>Strategy and benchmarks</h2>
${comparison}
<details open><summary>All metrics</summary>${allMetrics}</details>
<h2>Strategy</h2><ul>${describeStrategy(report)}</ul>
${breakdownTable("By exit reason", report.byExitReason, "by-exit-reason")}
${breakdownTable("By signal type", report.bySignalType, "by-signal-type")}
${breakdownTable("By symbol", report.bySymbol, "by-symbol")}
<h2>Trades</h2>
<p class="sub">${escapeHtml(shown.length < report.trades.length ? `the first ${shown.length} of ${report.trades.length} trades (all of them: vpa backtest --show ${report.runId} --json)` : `${report.trades.length} trades`)}</p>
<div class="scroll">${trades}</div>
<footer>Prices and money in VND. Signals by the scanner's analyzer (vpa-signals.md); a signal is known at its bar's close and traded at the next open. Benchmarks: equal-weight buy-and-hold of the same symbols, no costs; the index (when it covers the run) scaled to the capital at the first session. Excess return, beta, alpha, tracking error and information ratio: the strategy's daily returns against the benchmark's (definitions: packages/vpa-core/src/backtest/README.md).</footer>
</main></body></html>
`;
}
