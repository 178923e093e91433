/**
 * One reading of the strategy options (strategy-options.ts) into vpa-core's `BacktestConfig`
 * fields, for `vpa backtest` and `vpa portfolio create`. One rule for percentages everywhere: a
 * bare number is a percentage (7 and 7% are 7 %); a stop, a target or a position size under 1 % is
 * refused, since it is almost certainly a fraction in the old style (0.07 meant 7 %).
 */
import type { SweepKey } from "@vpa/backtest";
import { UsageError } from "./cli-error.ts";
import { parseList } from "./parse-options.ts";

/** CLI names of the numeric parameters (every one a backtest can sweep) → config keys. */
export const SWEEP_FLAGS: Readonly<Record<string, SweepKey>> = {
  "min-score": "minScore",
  "min-confidence": "minConfidence",
  "stop-loss": "stopLoss",
  "take-profit": "takeProfit",
  "trailing-stop": "trailingStop",
  "max-hold": "maxHoldDays",
  "position-size": "positionFraction",
  "max-positions": "maxPositions",
  slippage: "slippageTicks",
  "exit-min-score": "exitMinScore",
  "futures-margin": "futuresMargin",
};

/** Options given in percent (7 = 7 %), stored as fractions (0.07). */
export const PERCENT_KEYS: ReadonlySet<SweepKey> = new Set<SweepKey>([
  "stopLoss",
  "takeProfit",
  "trailingStop",
  "positionFraction",
  "futuresMargin",
]);

interface PercentRange {
  readonly min: number;
  readonly max: number;
}

const PERCENT_RANGE: Readonly<Partial<Record<SweepKey, PercentRange>>> = {
  stopLoss: { min: 1, max: 99 },
  trailingStop: { min: 1, max: 99 },
  takeProfit: { min: 1, max: 10_000 },
  positionFraction: { min: 1, max: 100 },
  // The engine refuses less than 21.25 % with its reason (VSDC's margin at brokers' opening limit).
  futuresMargin: { min: 1, max: 100 },
};

/**
 * "7" or "7%" → 0.07; "none" or "off" → null. Under `range.min` (when above 0) is refused as an
 * old-style fraction; 0 only where `range.min` is 0 (`--fee`).
 * @throws UsageError naming `command` and `--name`
 */
export function parsePercent(
  command: string,
  name: string,
  text: string,
  range: PercentRange,
): number | null {
  if (text === "none" || text === "off") return null;
  const value = Number(text.endsWith("%") ? text.slice(0, -1) : text);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && range.min > 0))
    throw new UsageError(
      `${command}: --${name} takes a percentage like 7 or 7%, or none (got ${JSON.stringify(text)})`,
    );
  if (value < range.min)
    throw new UsageError(
      `${command}: --${name} ${text} would be ${value} %: percentages are in percent, so 7 or 7% means 7 % (values under ${range.min} are refused)`,
    );
  if (value > range.max)
    throw new UsageError(`${command}: --${name} must be at most ${range.max}% (got ${JSON.stringify(text)})`);
  return value / 100;
}

/**
 * One value of a numeric parameter (`--stop-loss 7`, or one of a sweep's values): percentages as
 * fractions, `none` where the parameter can be off.
 * @throws UsageError naming `command` and `--flag`
 */
export function parseStrategyValue(
  command: string,
  flag: string,
  key: SweepKey,
  text: string,
): number | null {
  const range = PERCENT_RANGE[key];
  if (PERCENT_KEYS.has(key) && range !== undefined) return parsePercent(command, flag, text, range);
  if (text === "none" || text === "off") {
    if (key === "maxHoldDays") return null;
    throw new UsageError(`${command}: --${flag} cannot be none`);
  }
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new UsageError(`${command}: --${flag} must be a number (got ${JSON.stringify(text)})`);
  return value;
}

/**
 * The strategy of a command line: each option given, as the `BacktestConfig` field it sets
 * (vpa-core checks the ranges it owns; what it refuses comes back with its reasons).
 * `sweptFlags`: the parameters a backtest's `--sweep` varies (`--forced-close` needs futures on
 * margin, given or swept).
 * @throws UsageError naming `command` and the option
 */
export function strategyOptionsOf(
  command: string,
  values: Readonly<Record<string, unknown>>,
  sweptFlags: readonly string[] = [],
): Record<string, unknown> {
  const strategy: Record<string, unknown> = {};
  const text = (flag: string) => (typeof values[flag] === "string" ? (values[flag] as string) : undefined);
  const signals = text("signals");
  if (signals !== undefined) strategy.entrySignals = parseList(signals);
  if (values.confirm === true) strategy.requireConfirmation = true;
  if (values["no-bear-exit"] === true) strategy.exitOnBearSignal = false;
  if (values["hnx-post-close"] === true) strategy.hnxPostClose = true;
  const capital = text("capital");
  if (capital !== undefined) {
    const value = Number(capital.trim().replace(/[_,]/g, ""));
    if (!Number.isFinite(value) || value <= 0)
      throw new UsageError(
        `${command}: --capital takes an amount in VND like 1000000000 (got ${JSON.stringify(capital)})`,
      );
    strategy.initialCapital = value;
  }
  const fee = text("fee");
  if (fee !== undefined) strategy.brokerageRate = parsePercent(command, "fee", fee, { min: 0, max: 5 });
  const forcedClose = text("forced-close");
  if (forcedClose !== undefined) {
    if (text("futures-margin") === undefined && !sweptFlags.includes("futures-margin"))
      throw new UsageError(
        `${command}: --forced-close applies to futures on margin: add --futures-margin P${command === "backtest" ? " (or --sweep futures-margin=...)" : ""}`,
      );
    const usage = parsePercent(command, "forced-close", forcedClose, { min: 1, max: 200 });
    if (usage === null) throw new UsageError(`${command}: --forced-close takes a percentage like 90`);
    strategy.futuresForcedCloseUsage = usage;
  }
  for (const [flag, key] of Object.entries(SWEEP_FLAGS)) {
    const given = text(flag);
    if (given !== undefined) strategy[key] = parseStrategyValue(command, flag, key, given);
  }
  return strategy;
}
