import {
  DEFAULT_BACKTEST_CONFIG,
  ENTRY_SIGNAL_TYPES,
  futuresMarginProblems,
  OPTIMIZE_METRICS,
  planWalkForwardWindows,
  type WalkForwardWindow,
} from "@vpa/core";
import { z } from "zod";

/**
 * The `config` of a `backtest` job, validated at the boundary (producer and worker). A bad config
 * is rejected with one message naming every problem, never a crash inside the engine.
 *
 * Three kinds: `run` (one backtest), `sweep` (a grid of runs as child jobs of one parent, BullMQ
 * flows; the parent ranks them when the last child has finished) and `walk-forward` (one sweep
 * per training window as children; the parent trades each window's choice on its test window and
 * stitches the out-of-sample curve).
 */

/** The index a run is compared with unless its config names another (`benchmark`). */
export const DEFAULT_BENCHMARK_INDEX = "VN30";

/** VN30 constituents (vn-market.md §6, 2025). */
export const VN30_SYMBOLS = [
  "ACB",
  "BCM",
  "BID",
  "BVH",
  "CTG",
  "FPT",
  "GAS",
  "GVR",
  "HDB",
  "HPG",
  "LPB",
  "MBB",
  "MSN",
  "MWG",
  "PLX",
  "SAB",
  "SHB",
  "SSB",
  "SSI",
  "STB",
  "TCB",
  "TPB",
  "VCB",
  "VHM",
  "VIB",
  "VIC",
  "VJC",
  "VNM",
  "VPB",
  "VRE",
] as const;

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date YYYY-MM-DD" })
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: "is not a calendar date",
    },
  );
const symbol = z.string().regex(/^[A-Z0-9]{1,12}$/, { message: "must be 1-12 upper-case letters or digits" });
const fraction = (max: number) =>
  z
    .number()
    .gt(0, { message: "must be > 0" })
    .lt(max, { message: `must be < ${max}` });

/** Engine parameters a job may set; every one optional (vpa-core's defaults apply). */
const strategyShape = {
  entrySignals: z.array(z.enum(ENTRY_SIGNAL_TYPES)).min(1).optional(),
  minScore: z.number().int().min(0).max(100).optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  requireConfirmation: z.boolean().optional(),
  initialCapital: z.number().positive().max(1e15).optional(),
  positionFraction: z.number().gt(0).max(1).optional(),
  maxPositions: z.number().int().min(1).max(1_000).optional(),
  stopLoss: fraction(1).nullable().optional(),
  takeProfit: z.number().gt(0).max(100).nullable().optional(),
  trailingStop: fraction(1).nullable().optional(),
  maxHoldDays: z.number().int().min(1).max(10_000).nullable().optional(),
  exitOnBearSignal: z.boolean().optional(),
  exitMinScore: z.number().int().min(0).max(100).optional(),
  brokerageRate: z.number().min(0).max(0.1).optional(),
  slippageTicks: z.number().int().min(0).max(100).optional(),
  settlementDays: z.number().int().min(0).max(10).optional(),
  /**
   * Flat at the close (day trading): positions are sold in each session's closing auction, no
   * entry fills in it (vpa-core `BacktestConfig.exitAtSessionEnd`). Intraday timeframes only.
   * Optional without a default so that configs written before it keep their run id.
   */
  exitAtSessionEnd: z.boolean().optional(),
  /**
   * HNX stocks' orders decided at a session's close fill at it in HNX's post-close session (PLO)
   * the same day, where the bars have no PLO of their own (vpa-core `BacktestConfig.hnxPostClose`).
   * Optional without a default so that configs written before it keep their run id.
   */
  hnxPostClose: z.boolean().optional(),
  /**
   * VN30 futures on margin: the deposit as a share of a position's value (0.2125–1; null: the
   * whole value paid, unleveraged), and the margin usage at which the broker closes it by force
   * (vpa-core `BacktestConfig.futuresMargin`, `futuresForcedCloseUsage`). Optional without a
   * default so that configs written before them keep their run id.
   */
  futuresMargin: z.number().nullable().optional(),
  futuresForcedCloseUsage: z.number().optional(),
};

/** vpa-core's own rules for the futures' margin (ranges, and a forced close above the entry's usage). */
function checkFuturesMargin(
  c: { futuresMargin?: number | null; futuresForcedCloseUsage?: number },
  ctx: z.RefinementCtx,
): void {
  const problems = futuresMarginProblems(
    c.futuresMargin ?? null,
    c.futuresForcedCloseUsage ?? DEFAULT_BACKTEST_CONFIG.futuresForcedCloseUsage,
  );
  for (const problem of problems) {
    const [key, message] = problem.split(": ", 2) as [string, string];
    ctx.addIssue({ code: "custom", message, path: [key] });
  }
}

/** The bar timeframes a run can trade on (weekly bars are not traded). */
export const BACKTEST_TIMEFRAMES = ["1D", "1m", "5m", "15m", "30m", "1h"] as const;

export const runConfigSchema = z
  .object({
    kind: z.literal("run").default("run"),
    /** "VN30", "ALL" (every active stock) or a list of symbols. */
    symbols: z.union([z.literal("VN30"), z.literal("ALL"), z.array(symbol).min(1).max(5_000)]),
    /**
     * Daily bars, or intraday bars (one step per bar; T+2 and `maxHoldDays` still in trading
     * days, the band from the previous session's close, fills only in trading hours; vpa-core
     * backtest README, "Intraday runs").
     */
    timeframe: z.enum(BACKTEST_TIMEFRAMES).default("1D"),
    from: date,
    to: date,
    /**
     * The stored index (`is_index`) to compare with; default {@link DEFAULT_BENCHMARK_INDEX}.
     * Optional without a default so that configs written before it keep their run id.
     */
    benchmark: symbol.optional(),
    ...strategyShape,
  })
  .strict()
  .refine((c) => c.from <= c.to, { message: "from must not be after to", path: ["to"] })
  .refine((c) => !(c.exitAtSessionEnd === true && c.timeframe === "1D"), {
    message: "flat at the close needs intraday bars (timeframe 1m, 5m, 15m, 30m or 1h)",
    path: ["exitAtSessionEnd"],
  })
  .superRefine(checkFuturesMargin);

/** Parameters a sweep may vary (numbers; `null` turns an exit off). */
export const SWEEP_KEYS = [
  "minScore",
  "minConfidence",
  "stopLoss",
  "takeProfit",
  "trailingStop",
  "maxHoldDays",
  "positionFraction",
  "maxPositions",
  "slippageTicks",
  "exitMinScore",
  "futuresMargin",
] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];

export const RANK_METRICS = ["sharpe", "cagr", "totalReturn", "calmar", "sortino", "profitFactor"] as const;
export type RankMetric = (typeof RANK_METRICS)[number];

export const MAX_SWEEP_RUNS = 1_000;

const gridSchema = z
  .array(
    z.object({ key: z.enum(SWEEP_KEYS), values: z.array(z.number().nullable()).min(1).max(100) }).strict(),
  )
  .min(1);

/** The grid's checks shared by sweeps and walk-forwards: keys once, the size, every value valid. */
function checkGrid(
  base: RunConfigInput,
  grid: z.output<typeof gridSchema>,
  maxRuns: number,
  ctx: z.RefinementCtx,
): void {
  const keys = grid.map((g) => g.key);
  if (new Set(keys).size !== keys.length)
    ctx.addIssue({ code: "custom", message: "a key appears twice", path: ["grid"] });
  const runs = grid.reduce((n, g) => n * g.values.length, 1);
  if (runs > maxRuns)
    ctx.addIssue({ code: "custom", message: `${runs} combinations (at most ${maxRuns})`, path: ["grid"] });
  for (const [i, g] of grid.entries()) {
    for (const value of g.values) {
      const check = runConfigSchema.safeParse({ ...base, [g.key]: value });
      if (!check.success)
        ctx.addIssue({
          code: "custom",
          message: `${g.key}=${value}: ${check.error.issues.map((x) => x.message).join(", ")}`,
          path: ["grid", i],
        });
    }
  }
}

export const sweepConfigSchema = z
  .object({
    kind: z.literal("sweep"),
    base: runConfigSchema,
    grid: gridSchema,
    rankBy: z.enum(RANK_METRICS).default("sharpe"),
  })
  .strict()
  .superRefine((sweep, ctx) => checkGrid(sweep.base, sweep.grid, MAX_SWEEP_RUNS, ctx));

/**
 * A walk-forward (vpa-core's README "Walk-forward"): `base.from`..`base.to` is the whole span;
 * each window's training sweep runs the grid on its training window and the best by `optimize`
 * is traded on the test window. Lengths in calendar months (`3y` = 36).
 */
export const walkForwardConfigSchema = z
  .object({
    kind: z.literal("walk-forward"),
    base: runConfigSchema,
    grid: gridSchema,
    optimize: z.enum(OPTIMIZE_METRICS).default("sharpe"),
    trainMonths: z.number().int().min(1).max(240),
    testMonths: z.number().int().min(1).max(120),
  })
  .strict()
  .superRefine((wf, ctx) => {
    let windows = 0;
    try {
      windows = planWalkForwardWindows(wf.base, wf).length;
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message, path: ["trainMonths"] });
      return;
    }
    // Every window runs the whole grid: the total is what the queue will hold.
    checkGrid(wf.base, wf.grid, Math.floor(MAX_SWEEP_RUNS / windows), ctx);
  });

export const backtestJobConfigSchema = z.union([walkForwardConfigSchema, sweepConfigSchema, runConfigSchema]);

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type SweepConfig = z.output<typeof sweepConfigSchema>;
export type SweepConfigInput = z.input<typeof sweepConfigSchema>;
export type WalkForwardConfig = z.output<typeof walkForwardConfigSchema>;
export type WalkForwardConfigInput = z.input<typeof walkForwardConfigSchema>;
export type BacktestJobConfig = RunConfig | SweepConfig | WalkForwardConfig;

/** A config that cannot run: `problems` names each field. */
export class InvalidBacktestConfigError extends Error {
  readonly code = "BACKTEST_CONFIG_INVALID";
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid backtest config: ${problems.join("; ")}`);
    this.name = "InvalidBacktestConfigError";
    this.problems = problems;
  }
}

/**
 * Validates a job config (either kind).
 *
 * @example
 * parseBacktestJobConfig({ symbols: "VN30", from: "2018-01-01", to: "2021-12-31", minScore: 70 });
 * @throws InvalidBacktestConfigError listing every problem, e.g. `minScore: must be at most 100`.
 */
export function parseBacktestJobConfig(input: unknown): BacktestJobConfig {
  const kind = typeof input === "object" && input !== null ? (input as { kind?: unknown }).kind : undefined;
  const parsed =
    kind === "walk-forward"
      ? walkForwardConfigSchema.safeParse(input)
      : kind === "sweep"
        ? sweepConfigSchema.safeParse(input)
        : runConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidBacktestConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** Every combination of a sweep's grid as a run config, in grid order (the last key varies fastest). */
export function expandSweep(
  sweep: Pick<SweepConfig, "base" | "grid">,
): { params: Record<string, number | null>; config: RunConfig }[] {
  let combos: Record<string, number | null>[] = [{}];
  for (const { key, values } of sweep.grid) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  return combos.map((params) => ({ params, config: runConfigSchema.parse({ ...sweep.base, ...params }) }));
}

/**
 * A walk-forward's windows, each with its training sweep: the grid over the base config cut to the
 * training window, ranked by the metric the walk-forward optimises.
 */
export function expandWalkForward(
  wf: WalkForwardConfig,
): { window: WalkForwardWindow; sweep: SweepConfig }[] {
  return planWalkForwardWindows(wf.base, wf).map((window) => ({
    window,
    sweep: sweepConfigSchema.parse({
      kind: "sweep",
      base: { ...wf.base, from: window.trainFrom, to: window.trainTo },
      grid: wf.grid,
      rankBy: wf.optimize,
    }),
  }));
}

/** The engine's part of a run config (vpa-core's BacktestConfig fields). */
export function strategyOf(config: RunConfig) {
  const {
    kind: _kind,
    symbols: _symbols,
    timeframe: _timeframe,
    from: _from,
    to: _to,
    benchmark: _benchmark,
    ...strategy
  } = config;
  return strategy;
}

/** The index a run is compared with. */
export function benchmarkIndexOf(config: Pick<RunConfig, "benchmark">): string {
  return config.benchmark ?? DEFAULT_BENCHMARK_INDEX;
}
