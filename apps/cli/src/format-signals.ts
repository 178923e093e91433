import type { SignalView } from "@vpa/db";
import { formatTable } from "./format-table.ts";

/** Stored signals as a text table (`vpa signals`, the demo's summary); `indent` prefixes each row. */
export function formatSignalsTable(signals: readonly SignalView[], indent = ""): string {
  const table = formatTable(
    ["time", "symbol", "signal", "bias", "score", "conf", "priority", "close", "vol×", "confirmation"],
    signals.map((s) => [
      s.time,
      s.symbol,
      s.variant === null ? s.type : `${s.type}/${s.variant}`,
      s.bias,
      s.score,
      s.confidence.toFixed(2),
      s.priority,
      s.close.toFixed(2),
      s.volumeRatio.toFixed(2),
      s.confirmation === null ? "" : `${s.confirmation.outcome} ${s.confirmation.time}`,
    ]),
  );
  return table
    .split("\n")
    .map((line) => `${indent}${line}`)
    .join("\n");
}
