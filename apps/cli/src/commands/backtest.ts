import { writeFile } from "node:fs/promises";
import {
  type BacktestReport,
  BacktestRunConflictError,
  cancelBacktest,
  describeAgainstBenchmarks,
  describeIndexCoverage,
  describeRunPeriod,
  describeSurvivorship,
  describeUntradedEntries,
  formatNumber,
  formatPercent,
  formatVnd,
  InvalidBacktestConfigError,
  isSweepReport,
  isWalkForwardReport,
  loadBacktestReport,
  type ReportBenchmark,
  renderBacktestReportHtml,
  type SubmittedBacktest,
  SWEEP_KEYS,
  type SweepKey,
  type SweepReport,
  startBacktestWorker,
  submitBacktest,
  type WalkForwardReport,
} from "@vpa/backtest";
import { OPTIMIZE_METRICS } from "@vpa/core";
import { getBacktestRun, listBacktestChildren } from "@vpa/db";
import type { AppContext } from "../app-context.ts";
import { EXIT, UsageError } from "../cli-error.ts";
import { countOf } from "../count-of.ts";
import { formatTable } from "../format-table.ts";
import { parseInteger, parseList, parseOptions } from "../parse-options.ts";
import {
  PERCENT_KEYS,
  parseStrategyValue,
  SWEEP_FLAGS,
  strategyOptionsOf,
} from "../parse-strategy-options.ts";
import { BacktestWaitError } from "./backtest-wait-error.ts";

/** CLI name of each sweepable key, for the sweep table. */
const FLAG_OF_KEY = new Map<string, string>(Object.entries(SWEEP_FLAGS).map(([flag, key]) => [key, flag]));

/** A percentage in the form the options take, e.g. 0.07 → "7%". */
function formatPercentOption(fraction: number): string {
  return `${Number((fraction * 100).toFixed(4))}%`;
}

/** "3y" → 36, "18m" → 18: a walk-forward window length in calendar months. */
function parseMonths(text: string): number | null {
  const match = /^(\d+)\s*(y|m)$/i.exec(text.trim());
  if (match === null) return null;
  const count = Number(match[1]);
  return match[2]!.toLowerCase() === "y" ? count * 12 : count;
}

/** `train=3y,test=1y` → window lengths in months. */
function parseWalkForward(text: string): { trainMonths: number; testMonths: number } {
  const lengths: Record<string, number> = {};
  for (const part of text.split(",")) {
    const [key, value] = part.split("=", 2).map((x) => x.trim());
    const months = value === undefined ? null : parseMonths(value);
    if ((key !== "train" && key !== "test") || months === null || months < 1 || key in lengths)
      throw new UsageError(
        `backtest: --walk-forward takes train=<n>y|<n>m,test=<n>y|<n>m, e.g. train=3y,test=1y (got ${JSON.stringify(text)})`,
      );
    lengths[key] = months;
  }
  if (lengths.train === undefined || lengths.test === undefined)
    throw new UsageError(
      `backtest: --walk-forward needs both train= and test= (got ${JSON.stringify(text)})`,
    );
  return { trainMonths: lengths.train, testMonths: lengths.test };
}

function isoDate(name: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`backtest: --${name} YYYY-MM-DD is required`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new UsageError(`backtest: --${name} must be a date like 2018-01-01 (got ${value})`);
  return value;
}

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/** A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
function progressPrinter(): { update(fraction: number, label: string): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  return {
    update(fraction, label) {
      const clamped = Math.max(0, Math.min(1, fraction));
      if (tty) {
        const width = 30;
        const filled = Math.round(clamped * width);
        process.stderr.write(
          `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}% ${label}   `,
        );
      } else if (Math.floor(clamped * 10) > lastTenth) {
        lastTenth = Math.floor(clamped * 10);
        process.stderr.write(`${(clamped * 100).toFixed(0)}% ${label}\n`);
      }
    },
    end() {
      if (tty) process.stderr.write("\n");
    },
  };
}

async function waitForRun(
  app: AppContext,
  runId: string,
  timeoutMs: number,
  quiet: boolean,
  runsHere: boolean,
): Promise<string> {
  const printer = progressPrinter();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const run = await getBacktestRun(app.database.db, runId);
      if (run === undefined)
        throw new BacktestWaitError(
          "BACKTEST_RUN_DELETED",
          `backtest run ${runId} was deleted while waiting for it`,
        );
      let progress = run.progress;
      let label: string = run.status;
      if (run.kind !== "run" && run.status !== "completed") {
        // A walk-forward's runs are its sweeps' children; its own job (the out-of-sample part) comes last.
        let children = await listBacktestChildren(app.database.db, runId);
        if (run.kind === "walk-forward")
          children = (
            await Promise.all(children.map((sweep) => listBacktestChildren(app.database.db, sweep.id)))
          ).flat();
        const done = children.filter((c) => TERMINAL.has(c.status)).length;
        progress =
          children.reduce((sum, c) => sum + (TERMINAL.has(c.status) ? 1 : c.progress), 0) /
          Math.max(1, children.length);
        label = `${done}/${children.length} ${run.kind === "walk-forward" ? "training runs" : "runs"}`;
        if (run.kind === "walk-forward") {
          progress = 0.8 * progress + 0.2 * run.progress;
          if (run.status === "running") label = "out of sample";
        }
      }
      if (!quiet) printer.update(TERMINAL.has(run.status) && run.kind === "run" ? 1 : progress, label);
      if (TERMINAL.has(run.status)) return run.status;
      if (Date.now() > deadline)
        throw new BacktestWaitError(
          "BACKTEST_NOT_FINISHED",
          runsHere
            ? `backtest ${runId} did not finish in time (status ${run.status}); this process was running it and stops, the next backtest worker (vpa worker backtest) takes it up: vpa backtest --show ${runId}`
            : `backtest ${runId} did not finish in time (status ${run.status}); it keeps running: vpa backtest --show ${runId}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    if (!quiet) printer.end();
  }
}

const benchmarkColumn = (b: ReportBenchmark) => (b.kind === "index" ? `${b.name} index` : b.name);

function printRunSummary(report: BacktestReport): void {
  const m = report.metrics;
  const symbols = Array.isArray(report.runConfig.symbols)
    ? report.runConfig.symbols.join(",")
    : report.runConfig.symbols;
  const kind = isWalkForwardReport(report) ? "walk-forward (out of sample)" : "backtest";
  console.log(
    `${kind} ${report.runId}: ${symbols} (${countOf(report.universe.symbols, "symbol")}), ${describeRunPeriod(report.period)}`,
  );
  if (report.universe.missing.length > 0) console.log(`no bars for: ${report.universe.missing.join(", ")}`);
  console.log("");
  // The verdict first, Vietnamese then English, as the HTML report opens.
  const against = describeAgainstBenchmarks(report);
  if (against !== null) console.log(`${against.vi}\n${against.en}`);
  const coverage = describeIndexCoverage(report.indexCoverage, report.period);
  if (coverage !== null) console.log(`${coverage.vi}\n${coverage.en}`);
  const untraded = describeUntradedEntries(report);
  if (untraded !== null) console.log(`${untraded.vi}\n${untraded.en}`);
  const survivorship = describeSurvivorship(
    report.runConfig.symbols,
    report.benchmarks.find((b) => b.kind === "index")?.name ?? null,
  );
  console.log(`${survivorship.vi}\n${survivorship.en}`);
  console.log("");
  const rows: [
    string,
    (x: { totalReturn: number; cagr: number | null; maxDrawdown: number; sharpe: number | null }) => string,
  ][] = [
    ["total return", (x) => formatPercent(x.totalReturn)],
    ["CAGR", (x) => formatPercent(x.cagr)],
    ["max drawdown", (x) => formatPercent(x.maxDrawdown)],
    ["Sharpe", (x) => formatNumber(x.sharpe)],
  ];
  const relativeRows: [string, (b: ReportBenchmark) => string][] = [
    ["excess return (points)", (b) => formatPercent(b.relative?.excessReturn)],
    ["beta", (b) => formatNumber(b.relative?.beta)],
    ["alpha (annualised)", (b) => formatPercent(b.relative?.alpha)],
    ["tracking error", (b) => formatPercent(b.relative?.trackingError, 2, false)],
    ["information ratio", (b) => formatNumber(b.relative?.informationRatio)],
  ];
  console.log(
    formatTable(
      ["", "strategy", ...report.benchmarks.map(benchmarkColumn)],
      [
        ...rows.map(([label, f]) => [label, f(m), ...report.benchmarks.map((b) => f(b))]),
        ...relativeRows.map(([label, f]) => [`vs: ${label}`, "—", ...report.benchmarks.map(f)]),
      ],
    ),
  );
  console.log("");
  console.log(
    `trades ${m.trades} · win rate ${formatPercent(m.winRate, 1, false)} · profit factor ${formatNumber(m.profitFactor)} · expectancy ${formatVnd(m.expectancy)} VND (${formatPercent(m.expectancyReturn)}) · avg hold ${formatNumber(m.averageHoldingDays, 1)} sessions`,
  );
  console.log(
    `Sortino ${formatNumber(m.sortino)} · Calmar ${formatNumber(m.calmar)} · volatility ${formatPercent(m.annualVolatility, 1, false)} · longest drawdown ${m.maxDrawdownDays} days · exposure ${formatPercent(m.exposure, 0, false)}`,
  );
  console.log(
    `final equity ${formatVnd(m.finalEquity)} VND · brokerage ${formatVnd(m.feesPaid)} VND · sell tax ${formatVnd(m.taxPaid)} VND`,
  );
  console.log("");
  const breakdown = (title: string, rows: BacktestReport["byExitReason"]) =>
    formatTable(
      [title, "trades", "win rate", "net P&L (VND)", "avg return", "avg days"],
      rows.map((r) => [
        r.key,
        r.trades,
        formatPercent(r.winRate, 1, false),
        formatVnd(r.netPnl),
        formatPercent(r.averageReturn),
        formatNumber(r.averageHoldingDays, 1),
      ]),
    );
  console.log(breakdown("exit reason", report.byExitReason));
  console.log("");
  console.log(breakdown("signal", report.bySignalType));
  if (report.bySymbol.length > 0) {
    console.log("");
    const best = report.bySymbol.slice(0, 5);
    const worst = report.bySymbol.slice(-5).filter((r) => !best.includes(r));
    console.log(breakdown("symbol (best, worst)", [...best, ...worst]));
  }
}

function printSweepSummary(report: SweepReport): void {
  console.log(`sweep ${report.runId}: ${report.ranking.length} runs, ranked by ${report.rankBy}\n`);
  const keys = Object.keys(report.ranking[0]?.params ?? {});
  console.log(
    formatTable(
      [
        "rank",
        ...keys.map((k) => FLAG_OF_KEY.get(k) ?? k),
        "total return",
        "CAGR",
        "Sharpe",
        "max DD",
        "trades",
        "win rate",
        "PF",
        "run",
      ],
      report.ranking.map((r) => [
        r.rank,
        ...keys.map((k) => {
          const v = (r.params as Record<string, number | null>)[k];
          if (v === null || v === undefined) return "none";
          return PERCENT_KEYS.has(k as SweepKey) ? formatPercentOption(v) : String(v);
        }),
        r.metrics === null ? r.status : formatPercent(r.metrics.totalReturn),
        formatPercent(r.metrics?.cagr),
        formatNumber(r.metrics?.sharpe),
        formatPercent(r.metrics?.maxDrawdown),
        r.metrics === null ? "—" : String(r.metrics.trades),
        formatPercent(r.metrics?.winRate, 1, false),
        formatNumber(r.metrics?.profitFactor),
        r.runId,
      ]),
    ),
  );
}

function printWalkForwardSummary(report: WalkForwardReport): void {
  const wf = report.walkForward;
  const metric = wf.optimize;
  const format = (v: number | null | undefined) => (metric === "cagr" ? formatPercent(v) : formatNumber(v));
  const length = (months: number) => (months % 12 === 0 ? `${months / 12}y` : `${months}m`);
  console.log(
    `walk-forward ${report.runId}: train ${length(wf.trainMonths)}, test ${length(wf.testMonths)}, best ${metric} of ${wf.grid
      .map(
        (g) =>
          `${FLAG_OF_KEY.get(g.key) ?? g.key}=${g.values.map((v) => (v === null ? "none" : PERCENT_KEYS.has(g.key) ? formatPercentOption(v) : String(v))).join(",")}`,
      )
      .join(
        " ",
      )} on each training window; every position is sold at each test window's end, the cash carried to the next\n`,
  );
  console.log(
    formatTable(
      [
        "window",
        "training",
        "test",
        "chosen",
        `in-sample ${metric}`,
        `out-of-sample ${metric}`,
        "out-of-sample return",
        "trades",
      ],
      report.windows.map((w) => [
        w.window.index + 1,
        `${w.window.trainFrom} → ${w.window.trainTo}`,
        `${w.window.testFrom} → ${w.window.testTo}`,
        w.chosen === null
          ? "none (cash)"
          : Object.entries(w.chosen.params)
              .map(([key, value]) => {
                const flag = FLAG_OF_KEY.get(key) ?? key;
                if (value === null || value === undefined) return `${flag}=none`;
                return `${flag}=${PERCENT_KEYS.has(key as SweepKey) ? formatPercentOption(value) : value}`;
              })
              .join(" "),
        format(w.chosen?.inSample[metric]),
        w.chosen === null ? "—" : format(w.outOfSample.metrics[metric]),
        formatPercent(w.outOfSample.totalReturn),
        w.outOfSample.metrics.trades,
      ]),
    ),
  );
  console.log("");
}

/**
 * A run's stored error as one readable line: the message of a validation error's JSON, or the
 * first line of a longer text (never a stack trace).
 */
function describeRunError(error: string | null): string {
  if (error === null || error.trim() === "") return "no reason recorded";
  const text = error.trim();
  if (text.startsWith("[") || text.startsWith("{")) {
    try {
      const parsed = JSON.parse(text) as unknown;
      const issues = (Array.isArray(parsed) ? parsed : [parsed]) as { message?: unknown; path?: unknown }[];
      const messages = issues
        .filter((issue) => typeof issue?.message === "string")
        .map((issue) =>
          Array.isArray(issue.path) && issue.path.length > 0
            ? `${issue.path.join(".")}: ${issue.message as string}`
            : (issue.message as string),
        );
      if (messages.length > 0) return messages.join("; ");
    } catch {}
  }
  return (text.split("\n")[0] as string).replace(/^\w*Error: /, "");
}

async function showRun(
  app: AppContext,
  runId: string,
  json: boolean,
  reportPath: string | undefined,
): Promise<number> {
  const loaded = await loadBacktestReport(app.database.db, runId);
  if (loaded === undefined) {
    console.error(`vpa backtest: no run ${runId}`);
    return EXIT.failure;
  }
  if (loaded.report === null) {
    const { status, error } = loaded.run;
    const message =
      status === "failed"
        ? `backtest ${runId} failed: ${describeRunError(error)}`
        : status === "cancelled"
          ? `backtest ${runId} was cancelled`
          : `backtest ${runId} is ${status}`;
    if (json)
      console.log(
        JSON.stringify({
          runId,
          status: loaded.run.status,
          error: loaded.run.error,
          progress: loaded.run.progress,
        }),
      );
    else console.log(message);
    return loaded.run.status === "failed" || loaded.run.status === "cancelled" ? EXIT.failure : EXIT.ok;
  }
  let single: BacktestReport | null = null;
  if (isSweepReport(loaded.report)) {
    if (json) console.log(JSON.stringify(loaded.report));
    else printSweepSummary(loaded.report);
    const best = loaded.report.ranking.find((r) => r.metrics !== null);
    if (reportPath !== undefined && best !== undefined) {
      const bestLoaded = await loadBacktestReport(app.database.db, best.runId);
      if (bestLoaded?.report != null && !isSweepReport(bestLoaded.report)) single = bestLoaded.report;
    }
  } else {
    single = loaded.report;
    if (json) console.log(JSON.stringify(single));
    else {
      if (isWalkForwardReport(single)) printWalkForwardSummary(single);
      printRunSummary(single);
    }
  }
  if (reportPath !== undefined && single !== null) {
    await writeFile(reportPath, renderBacktestReportHtml(single));
    (json ? console.error : console.log)(
      `\nreport: ${reportPath}${single.runId === runId ? "" : ` (best run ${single.runId})`}`,
    );
  }
  return EXIT.ok;
}

/** What submitting did, for a run id seen before too: queued, run again, or the earlier run reused. */
function describeSubmitted(submitted: SubmittedBacktest): string {
  if (submitted.kind === "walk-forward")
    return `walk-forward of ${submitted.children.length} windows (${submitted.runs} training runs)`;
  return submitted.kind === "sweep" ? `sweep of ${submitted.children.length} runs` : "backtest";
}

function describeSubmission(submitted: SubmittedBacktest): string {
  if (submitted.previousStatus === null) return "queued";
  if (
    submitted.kind === "run" &&
    (submitted.previousStatus === "failed" || submitted.previousStatus === "cancelled")
  )
    return `${submitted.previousStatus === "failed" ? "failed" : "was cancelled"} before: queued to run again`;
  return submitted.status === "completed" || submitted.status === "failed" || submitted.status === "cancelled"
    ? `submitted before and ${submitted.status} (a new --run-id runs it again)`
    : `submitted before and still ${submitted.status}: following that run`;
}

/** The less verbose of two pino levels. */
function quieterOf(level: string, floor: string): string {
  const order = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
  return order.indexOf(level) >= order.indexOf(floor) ? level : floor;
}

export async function runBacktest(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("backtest", args);
  if (positionals.length > 0) throw new UsageError(`backtest: unexpected ${positionals.join(" ")}`);
  const json = values.json === true;
  if (values.cancel !== undefined) {
    const asked = await cancelBacktest(app.database.db, app.queue("backtest").queue, values.cancel);
    if (asked.length === 0) {
      const run = await getBacktestRun(app.database.db, values.cancel);
      console.log(
        run === undefined
          ? `no run ${values.cancel}`
          : `run ${values.cancel} is ${run.status}: nothing to cancel`,
      );
      return run === undefined ? EXIT.failure : EXIT.ok;
    }
    console.log(`cancelling ${asked.length} run(s): ${asked.join(", ")}`);
    return EXIT.ok;
  }
  if (values.show !== undefined) return showRun(app, values.show, json, values.report);

  const symbolsText = values.symbols ?? "VN30";
  const upper = symbolsText.trim().toUpperCase();
  const symbols = upper === "VN30" || upper === "ALL" ? upper : (parseList(symbolsText) ?? []);
  const swept = (values.sweep ?? []).map((spec) => spec.split("=", 1)[0] ?? "");
  const strategy = strategyOptionsOf("backtest", values, swept);
  if (values["flat-at-close"]) strategy.exitAtSessionEnd = true;
  const base = {
    symbols,
    from: isoDate("from", values.from),
    to: isoDate("to", values.to),
    ...(values.timeframe === undefined ? {} : { timeframe: values.timeframe }),
    ...(values.benchmark === undefined ? {} : { benchmark: values.benchmark.trim().toUpperCase() }),
    ...strategy,
  };
  let config: unknown = base;
  if (values.optimize !== undefined && values["walk-forward"] === undefined)
    throw new UsageError(
      "backtest: --optimize chooses a walk-forward's parameters: add --walk-forward (a sweep ranks with --rank-by)",
    );
  if (values.optimize !== undefined && !(OPTIMIZE_METRICS as readonly string[]).includes(values.optimize))
    throw new UsageError(
      `backtest: --optimize must be one of ${OPTIMIZE_METRICS.join(", ")} (got ${values.optimize})`,
    );
  if (values["walk-forward"] !== undefined && (values.sweep === undefined || values.sweep.length === 0))
    throw new UsageError(
      "backtest: --walk-forward needs the candidates to choose from: --sweep key=v1,v2 (e.g. --sweep min-score=50,60,70)",
    );
  if (values["walk-forward"] !== undefined && values["rank-by"] !== undefined)
    throw new UsageError("backtest: a walk-forward chooses by --optimize, not --rank-by");
  if (values.sweep !== undefined && values.sweep.length > 0) {
    const grid = values.sweep.map((spec) => {
      const [flag, list] = spec.split("=", 2);
      const key = SWEEP_FLAGS[flag ?? ""] ?? (SWEEP_KEYS as readonly string[]).find((k) => k === flag);
      if (key === undefined || list === undefined || list === "") {
        throw new UsageError(
          `backtest: --sweep takes key=v1,v2 with key one of ${Object.keys(SWEEP_FLAGS).join(", ")} (got ${JSON.stringify(spec)})`,
        );
      }
      return {
        key,
        values: list
          .split(",")
          .map((v) => parseStrategyValue("backtest", flag ?? key, key as SweepKey, v.trim())),
      };
    });
    config =
      values["walk-forward"] === undefined
        ? {
            kind: "sweep",
            base,
            grid,
            ...(values["rank-by"] === undefined ? {} : { rankBy: values["rank-by"] }),
          }
        : {
            kind: "walk-forward",
            base,
            grid,
            ...parseWalkForward(values["walk-forward"]),
            ...(values.optimize === undefined ? {} : { optimize: values.optimize }),
          };
  }

  const timeoutMs = (parseInteger("backtest", "timeout", values.timeout, 1, 86_400) ?? 3_600) * 1000;
  let submitted: Awaited<ReturnType<typeof submitBacktest>>;
  try {
    submitted = await submitBacktest(app.database.db, app.queue("backtest"), app.connection, {
      ...(values["run-id"] === undefined ? {} : { runId: values["run-id"] }),
      config,
    });
  } catch (error) {
    if (error instanceof InvalidBacktestConfigError || error instanceof BacktestRunConflictError) {
      throw new UsageError(`backtest: ${error.message}`);
    }
    throw error;
  }
  const { runId } = submitted;
  if (!values.wait) {
    if (json) console.log(JSON.stringify(submitted));
    else {
      console.log(`${describeSubmitted(submitted)} ${runId}: ${describeSubmission(submitted)}`);
      console.log(`follow it: vpa backtest --show ${runId}   stop it: vpa backtest --cancel ${runId}`);
    }
    return EXIT.ok;
  }
  if (!submitted.created && !json) console.error(`${runId}: ${describeSubmission(submitted)}`);
  // Waiting with nobody to do the work would hang: lend this process as a worker if none is running.
  const queue = app.queue("backtest").queue;
  const inline =
    (await queue.getWorkersCount()) === 0
      ? startBacktestWorker({
          db: app.database.db,
          connection: app.connection,
          metrics: app.metrics,
          // A failing run is reported below in one line; the worker's JSON warning (with its stack)
          // would only repeat it. Errors of the worker itself still show.
          logger: app.logger.child({}, { level: quieterOf(app.logger.level, "error") }),
          concurrency: 1,
        })
      : null;
  if (inline !== null && !json) console.error("no backtest worker running: processing in this process");
  let finished = false;
  try {
    const status = await waitForRun(app, runId, timeoutMs, json, inline !== null);
    finished = true;
    const code = await showRun(app, runId, json, values.report);
    return status === "completed" ? code : EXIT.failure;
  } finally {
    // Past --timeout, the inline worker stops without waiting for its run (that could take as long
    // again); the job's lock expires and the next backtest worker runs it.
    await inline?.close(!finished);
  }
}
