/**
 * The strategy options `vpa backtest` and `vpa portfolio create` share, declared once for the
 * command registry of both (read by parse-strategy-options.ts). Imports nothing at run time: the
 * registry loads it while it is itself being loaded.
 */
import type { OptionSpec } from "./command-registry.ts";

/** The options of a daily strategy, as both commands declare them. */
export const STRATEGY_OPTIONS = {
  signals: {
    type: "string",
    value: "T,...",
    description: "enter on these signal types only (default: every type that can be bullish)",
  },
  "min-score": {
    type: "string",
    value: "N",
    description: "enter on signals scoring N or more (0–100; default 60)",
  },
  "min-confidence": {
    type: "string",
    value: "C",
    description:
      "enter on signals (or confirmations, with --confirm) of confidence C or more (0–1; default 0)",
  },
  confirm: {
    type: "boolean",
    description: "enter on a signal's confirmation (known at the next close) instead of the signal",
  },
  "stop-loss": {
    type: "string",
    value: "P",
    description: "exit when the close is P % below the entry (1–99; default 7; none: no stop)",
  },
  "take-profit": {
    type: "string",
    value: "P",
    description: "exit when the close is P % above the entry (1–10000; default none)",
  },
  "trailing-stop": {
    type: "string",
    value: "P",
    description: "exit when the close is P % below the highest close since entry (1–99; default none)",
  },
  "max-hold": {
    type: "string",
    value: "N",
    description: "exit after N sessions held (default none)",
  },
  "position-size": {
    type: "string",
    value: "P",
    description: "a new position is P % of the equity (1–100; default 10)",
  },
  "max-positions": {
    type: "string",
    value: "N",
    description: "positions (and pending entries) at once (default 10)",
  },
  capital: {
    type: "string",
    value: "VND",
    description: "the starting cash in VND (default 1,000,000,000)",
  },
  fee: {
    type: "string",
    value: "P",
    description: "brokerage per side in percent (0–5; default 0.15); the 0.1 % sell tax is always paid",
  },
  slippage: {
    type: "string",
    value: "TICKS",
    description: "price ticks lost per fill (0–100; default 0)",
  },
  "exit-min-score": {
    type: "string",
    value: "N",
    description: "a bear signal exits a position when it scores N or more (0–100; default 0)",
  },
  "no-bear-exit": { type: "boolean", description: "do not exit on bear signals" },
  "hnx-post-close": {
    type: "boolean",
    description:
      "HNX stocks: an order decided at a session's close fills at that close in the same day's post-close session (PLO), not at the next open",
  },
  "futures-margin": {
    type: "string",
    value: "P",
    description:
      "VN30 futures on margin: deposit P % of a position's value (21.25–100; default none: the whole value paid)",
  },
  "forced-close": {
    type: "string",
    value: "P",
    description: "with --futures-margin: close a position by force at P % margin usage (default 90)",
  },
} as const satisfies Readonly<Record<string, OptionSpec>>;
