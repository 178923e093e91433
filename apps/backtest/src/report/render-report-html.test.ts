import { describe, expect, it } from "vitest";
import type { BacktestReport } from "../load-backtest-report.ts";
import { renderBacktestReportHtml } from "./render-report-html.ts";

const equity = [100_000_000, 120_000_000, 90_000_000, 150_000_000];
const benchmark = [100_000_000, 105_000_000, 110_000_000, 95_000_000];
const drawdown = [0, 0, -0.25, 0];

const report: BacktestReport = {
  runId: "bt-report",
  status: "completed",
  runConfig: { kind: "run", symbols: ["AAA", "B<B>"], timeframe: "1D", from: "2020-01-30", to: "2020-03-31" },
  engineConfig: {
    entrySignals: ["SPRING"],
    minScore: 60,
    minConfidence: 0,
    requireConfirmation: false,
    initialCapital: 100_000_000,
    positionFraction: 0.1,
    maxPositions: 10,
    stopLoss: 0.07,
    takeProfit: null,
    trailingStop: null,
    maxHoldDays: 20,
    exitOnBearSignal: true,
    exitMinScore: 0,
    brokerageRate: 0.0015,
    slippageTicks: 0,
    settlementDays: 2,
  },
  period: {
    from: "2020-01-30",
    to: "2020-03-31",
    firstSession: "2020-01-30",
    lastSession: "2020-03-02",
    sessions: 4,
  },
  universe: { symbols: 2, barsInPeriod: 8, barsAnalyzed: 100, missing: [] },
  metrics: {
    initialCapital: 100_000_000,
    finalEquity: 150_000_000,
    totalReturn: 0.5,
    cagr: null,
    annualVolatility: null,
    sharpe: 1.5,
    sortino: null,
    calmar: null,
    maxDrawdown: -0.25,
    maxDrawdownDays: 30,
    trades: 1,
    winRate: 1,
    profitFactor: null,
    expectancy: 50_000_000,
    expectancyReturn: 0.5,
    averageWin: 50_000_000,
    averageLoss: null,
    averageWinReturn: 0.5,
    averageLossReturn: null,
    averageHoldingDays: 3,
    exposure: 0.5,
    timeInMarket: 0.75,
    feesPaid: 1,
    taxPaid: 1,
  },
  benchmarks: [
    {
      name: "equal-weight buy and hold",
      kind: "equal-weight",
      totalReturn: -0.05,
      cagr: null,
      maxDrawdown: -0.136,
      sharpe: null,
      relative: { excessReturn: 0.55, beta: 0.5, alpha: 0.3, trackingError: 0.4, informationRatio: 1.2 },
    },
  ],
  bySymbol: [
    {
      key: "B<B>",
      trades: 1,
      wins: 1,
      winRate: 1,
      netPnl: 50_000_000,
      averageReturn: 0.5,
      averageHoldingDays: 3,
    },
  ],
  bySignalType: [],
  byExitReason: [],
  monthlyReturns: [
    { month: "2020-01", return: 0.2 },
    { month: "2020-02", return: -0.25 },
    { month: "2020-03", return: 150 / 90 - 1 },
  ],
  counters: {
    entrySignals: 1,
    entriesFilled: 1,
    entriesSkippedMaxPositions: 0,
    entriesSkippedAlreadyHeld: 0,
    entriesSkippedNoNextBar: 0,
    entriesSkippedCeiling: 0,
    entriesSkippedCash: 0,
    exitsDelayedFloor: 0,
    exitsDelayedSettlement: 0,
  },
  equity: {
    time: ["2020-01-30", "2020-01-31", "2020-02-28", "2020-03-02"],
    equity,
    benchmark,
    index: null,
    drawdown,
    cash: equity,
    invested: [0, 0, 0, 0],
    positions: [0, 0, 0, 0],
  },
  trades: [],
};

/** The values a chart's path encodes, read back through the scale the SVG declares. */
function valuesDrawn(html: string, chartId: string, series: string): number[] {
  const svg = html.slice(
    html.indexOf(`<svg id="${chartId}"`),
    html.indexOf("</svg>", html.indexOf(`<svg id="${chartId}"`)),
  );
  const attr = (name: string) => Number(new RegExp(`${name}="([^"]+)"`).exec(svg)![1]);
  const [min, max, top, height] = [
    attr("data-y-min"),
    attr("data-y-max"),
    attr("data-plot-top"),
    attr("data-plot-height"),
  ];
  const d = new RegExp(`data-series="${series}" d="([^"]+)"`).exec(svg)![1]!;
  return [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map(
    (m) => max - ((Number(m[2]) - top) / height) * (max - min),
  );
}

describe("HTML report", () => {
  const html = renderBacktestReportHtml(report);

  it("draws the equity, benchmark and drawdown charts from the run's own series", () => {
    // Read back through the SVG's own scale: within 0.01 px of a 276 px plot, i.e. ~1e5 VND.
    const drawnEquity = valuesDrawn(html, "equity-chart", "strategy");
    expect(drawnEquity).toEqual(equity.map((v) => expect.closeTo(v, -5)));
    expect(valuesDrawn(html, "equity-chart", "equal-weight buy and hold")).toEqual(
      benchmark.map((v) => expect.closeTo(v, -5)),
    );
    expect(valuesDrawn(html, "drawdown-chart", "drawdown")).toEqual(
      drawdown.map((v) => expect.closeTo(v, 3)),
    );
  });

  it("fills the monthly heat map with the run's monthly returns and each year's compounded return", () => {
    const cells = [...html.matchAll(/data-month="([\d-]+)" data-return="([^"]+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(cells).toEqual(report.monthlyReturns.map((m) => [m.month, m.return]));
    const year = Number(/data-year="2020" data-return="([^"]+)"/.exec(html)![1]);
    expect(year).toBeCloseTo(1.2 * 0.75 * (150 / 90) - 1, 12); // = 1.5 − 1
  });

  it("is self-contained and escapes every dynamic string", () => {
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toContain("B<B>");
    expect(html).toContain("B&lt;B&gt;");
    expect(html).toContain("+50.00%");
  });
});
