import { describe, expect, it } from "vitest";
import type { BacktestReport, WalkForwardReport } from "../load-backtest-report.ts";
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
    exitAtSessionEnd: false,
    hnxPostClose: false,
    futuresMargin: null,
    futuresForcedCloseUsage: 0.9,
  },
  period: {
    from: "2020-01-30",
    to: "2020-03-31",
    firstSession: "2020-01-30",
    lastSession: "2020-03-02",
    sessions: 4,
    bars: 4,
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
  indexCoverage: null,
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
    entriesSkippedBelowOneLot: 0,
    entriesSkippedSessionEnd: 0,
    filledPostClose: 0,
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

/** The same run compared with a VN30 index that rose 88.2%: the strategy's +50% trails it by 38.2 points. */
const againstIndex: BacktestReport = {
  ...report,
  runConfig: { ...report.runConfig, symbols: "VN30" },
  benchmarks: [
    ...report.benchmarks,
    {
      name: "VN30",
      kind: "index",
      totalReturn: 0.882,
      cagr: null,
      maxDrawdown: -0.1,
      sharpe: 2.1,
      relative: {
        excessReturn: 0.5 - 0.882,
        beta: 1.25,
        alpha: -0.0412,
        trackingError: 0.2,
        informationRatio: -0.85,
      },
    },
  ],
  indexCoverage: { name: "VN30", firstDate: "2018-01-02", lastDate: "2021-12-31", covers: true },
  equity: { ...report.equity, index: [100_000_000, 130_000_000, 160_000_000, 188_200_000] },
};

/** The text of the element with `id`, tags stripped. */
function textOf(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  const open = html.lastIndexOf("<", start);
  const tag = /^<(\w+)/.exec(html.slice(open))![1]!;
  return html.slice(html.indexOf(">", start) + 1, html.indexOf(`</${tag}>`, start)).replace(/<[^>]+>/g, "");
}

describe("HTML report of an intraday run flat at the close", () => {
  it("lists the closing-auction exit, Vietnamese first, and the entries it skipped", () => {
    const html = renderBacktestReportHtml({
      ...report,
      runConfig: { ...report.runConfig, timeframe: "1m" },
      engineConfig: { ...report.engineConfig, exitAtSessionEnd: true },
      counters: { ...report.counters, entriesSkippedSessionEnd: 3 },
    });
    expect(html).toContain("đóng vị thế trong phiên ATC / flat at the close (closing auction)");
    expect(html).toContain("closing auction 3");
    expect(renderBacktestReportHtml(report)).not.toContain("flat at the close");
  });
});

describe("HTML report of a run with HNX's post-close session", () => {
  it("says HNX orders fill at the close in the PLO, Vietnamese first, and how many did", () => {
    const html = renderBacktestReportHtml({
      ...report,
      engineConfig: { ...report.engineConfig, hnxPostClose: true },
      counters: { ...report.counters, filledPostClose: 4 },
    });
    expect(html).toContain(
      "Cổ phiếu HNX: lệnh khớp tại giá đóng cửa trong phiên sau giờ (PLO) cùng ngày / HNX stocks",
    );
    expect(html).toContain("orders filled in HNX&#39;s post-close session 4");
    expect(renderBacktestReportHtml(report)).not.toContain("post-close");
  });
});

describe("HTML report of a VN30 futures run", () => {
  const futures = { ...report, runConfig: { ...report.runConfig, symbols: ["VN30F1M"] } };

  it("says, Vietnamese first, the deposit, the leverage and the forced close of a run on margin", () => {
    const html = renderBacktestReportHtml({
      ...futures,
      engineConfig: { ...report.engineConfig, futuresMargin: 0.25, futuresForcedCloseUsage: 0.9 },
    });
    expect(html).toContain(
      "HĐ tương lai VN30 ký quỹ 25.00% giá trị vị thế (đòn bẩy 4×), đóng bắt buộc khi tỷ lệ sử dụng ký quỹ ≥ 90% / VN30 futures on margin: a deposit of 25.00% of the position&#39;s value (leverage 4.0×), force-closed at 90% margin usage.",
    );
  });

  it("says a futures run without margin paid the whole value, and says nothing of futures for stocks", () => {
    expect(renderBacktestReportHtml(futures)).toContain(
      "HĐ tương lai VN30: trả đủ giá trị hợp đồng, không đòn bẩy / VN30 futures: the contract&#39;s whole value paid, no leverage.",
    );
    expect(renderBacktestReportHtml(report)).not.toContain("VN30 futures");
  });
});

describe("HTML report of a run whose sizing buys less than one contract", () => {
  it("says at the top, Vietnamese first, how many buy orders it could never place and what to change", () => {
    const html = renderBacktestReportHtml({
      ...report,
      runConfig: { ...report.runConfig, symbols: ["VN30F1M"], timeframe: "1m" },
      period: {
        ...report.period,
        firstSession: "2023-11-17T09:00:00+07:00",
        lastSession: "2024-01-15T14:45:00+07:00",
        sessions: 40,
        bars: 7615,
      },
      counters: { ...report.counters, entriesSkippedBelowOneLot: 41 },
    });
    expect(textOf(html, "untraded-entries")).toMatch(/^41 lệnh mua không được thực hiện: 10 % tài sản/);
    expect(html).toContain(
      "41 buy orders not placed: 10 % of the equity per position buys less than one board lot",
    );
    expect(html).toContain("below one lot 41");
    expect(html).toContain("2023-11-17 09:00 → 2024-01-15 14:45 · 40 sessions (7,615 bars)");
    expect(renderBacktestReportHtml(report)).not.toContain("untraded-entries");
  });
});

describe("HTML report against the VN30 index", () => {
  const html = renderBacktestReportHtml(againstIndex);

  it("says at the top, Vietnamese first, that the strategy trails its benchmarks and by how much", () => {
    const verdict = html.slice(html.indexOf('<section id="verdict"'), html.indexOf("</section>"));
    expect(html.indexOf('<section id="verdict"')).toBeLessThan(html.indexOf('class="cards"'));
    expect(verdict).toContain('class="verdict trails"');
    const vi = verdict.indexOf("Chiến lược kém chỉ số VN30 38,2 điểm %");
    const en = verdict.indexOf("The strategy trails the VN30 index by 38.2 percentage points");
    expect(vi).toBeGreaterThan(0);
    expect(en).toBeGreaterThan(vi);
    // +50% against equal-weight's −5%: 55 points ahead.
    expect(verdict).toContain("vượt danh mục mua và nắm giữ đồng tỷ trọng cùng các mã 55,0 điểm %");
    expect(verdict).toContain(
      "beats equal-weight buy-and-hold of the same symbols by 55.0 percentage points",
    );
    expect(textOf(html, "survivorship")).toContain("rổ VN30 hiện nay (năm 2025) được áp cho quá khứ");
    expect(verdict).toContain("Survivorship bias: today&#39;s VN30 constituents (2025) applied to the past");
  });

  it("draws the index and lists beta, alpha, tracking error and information ratio against each benchmark", () => {
    expect(valuesDrawn(html, "equity-chart", "VN30 index")).toEqual(
      againstIndex.equity.index!.map((v) => expect.closeTo(v!, -5)),
    );
    const comparison = html.slice(
      html.indexOf('id="comparison"'),
      html.indexOf("</table>", html.indexOf('id="comparison"')),
    );
    expect(comparison).toContain("<th>VN30 index</th>");
    for (const [label, value] of [
      ["strategy: beta", "1.25"],
      ["strategy: alpha (annualised)", "-4.12%"],
      ["strategy: tracking error", "20.00%"],
      ["strategy: information ratio", "-0.85"],
      ["strategy: excess return (points)", "-38.20%"],
    ]) {
      const row = comparison.slice(
        comparison.indexOf(label!),
        comparison.indexOf("</tr>", comparison.indexOf(label!)),
      );
      expect(row).toContain(value!);
    }
  });

  it("says why the index is missing when it does not cover the run", () => {
    const partial = renderBacktestReportHtml({
      ...report,
      indexCoverage: { name: "VN30", firstDate: "2020-02-03", lastDate: "2021-12-31", covers: false },
    });
    expect(textOf(partial, "index-coverage")).toBe(
      "Chưa so sánh với chỉ số VN30: dữ liệu chỉ số (2020-02-03 → 2021-12-31) không phủ giai đoạn 2020-01-30 → 2020-03-02.",
    );
    expect(partial).toContain(
      "Not compared with the VN30 index: its bars (2020-02-03 → 2021-12-31) do not cover the run (2020-01-30 → 2020-03-02).",
    );
  });
});

describe("HTML report of a walk-forward", () => {
  const wf: WalkForwardReport = {
    ...againstIndex,
    runId: "wf-report",
    walkForward: {
      optimize: "sharpe",
      trainMonths: 36,
      testMonths: 12,
      grid: [
        { key: "minScore", values: [50, 70] },
        { key: "stopLoss", values: [0.07, null] },
      ],
    },
    windows: [
      {
        window: {
          index: 0,
          trainFrom: "2017-01-01",
          trainTo: "2019-12-31",
          testFrom: "2020-01-01",
          testTo: "2020-12-31",
        },
        sweepId: "wf-report-w01",
        trainingRuns: 2,
        trainingRunsFailed: 0,
        chosen: {
          runId: "wf-report-w01-002",
          params: { minScore: 70, stopLoss: 0.07 },
          inSample: {
            totalReturn: 0.4,
            cagr: 0.12,
            sharpe: 1.31,
            calmar: 0.9,
            maxDrawdown: -0.13,
            trades: 40,
          },
        },
        outOfSample: {
          traded: true,
          firstSession: "2020-01-02",
          lastSession: "2020-12-31",
          sessions: 250,
          startEquity: 100_000_000,
          endEquity: 90_000_000,
          totalReturn: -0.1,
          metrics: {
            totalReturn: -0.1,
            cagr: -0.1,
            sharpe: -0.42,
            calmar: -0.5,
            maxDrawdown: -0.2,
            trades: 12,
          },
        },
      },
      {
        window: {
          index: 1,
          trainFrom: "2018-01-01",
          trainTo: "2020-12-31",
          testFrom: "2021-01-01",
          testTo: "2021-06-30",
        },
        sweepId: "wf-report-w02",
        trainingRuns: 2,
        trainingRunsFailed: 0,
        chosen: null,
        outOfSample: {
          traded: false,
          firstSession: "2021-01-04",
          lastSession: "2021-06-30",
          sessions: 122,
          startEquity: 90_000_000,
          endEquity: 90_000_000,
          totalReturn: 0,
          metrics: { totalReturn: 0, cagr: 0, sharpe: null, calmar: null, maxDrawdown: 0, trades: 0 },
        },
      },
    ],
  };
  const html = renderBacktestReportHtml(wf);

  it("shows per window the chosen parameters, the in-sample metric and the out-of-sample return", () => {
    const rows = [
      ...html.slice(html.indexOf('id="walk-forward-windows"')).matchAll(/<tr><td>(.*?)<\/tr>/g),
    ].map((m) => m[1]!.split(/<\/td><td>/).map((c) => c.replace(/<[^>]+>/g, "").replace("</td>", "")));
    expect(rows.slice(0, 2)).toEqual([
      [
        "1",
        "2017-01-01 → 2019-12-31",
        "2020-01-01 → 2020-12-31",
        "minScore=70, stopLoss=7%",
        "1.31",
        "+40.00%",
        "-0.42",
        "-10.00%",
        "12",
        "90,000,000",
      ],
      [
        "2",
        "2018-01-01 → 2020-12-31",
        "2021-01-01 → 2021-06-30",
        "none: held in cash",
        "—",
        "—",
        "—",
        "0.00%",
        "0",
        "90,000,000",
      ],
    ]);
    expect(textOf(html, "in-vs-out")).toBe(
      "Mean Sharpe of the chosen parameters: 1.31 in sample, -0.42 out of sample.",
    );
    expect(html).toContain("every position is sold at each test window&#39;s last close");
    expect(html).toContain("Out-of-sample equity (stitched) against the benchmarks");
    expect(valuesDrawn(html, "equity-chart", "strategy \\(out of sample\\)")).toHaveLength(4);
  });
});
