import { readableBarTime, type SignalView } from "@vpa/db";
// Relative: the evidence lives in the alerts workspace, whose index this module does not own.
import { evidencePhrase, type SignalEvidence } from "../../alerts/src/evidence/index.ts";
import { formatTable } from "./format-table.ts";

/**
 * Stored signals as a text table (`vpa signals`, the demo's summary); `indent` prefixes each row.
 * With `evidence` (one per signal, in order) a last column says how signals like it have done at
 * 5 sessions, as the English alerts word it.
 */
export function formatSignalsTable(
  signals: readonly SignalView[],
  indent = "",
  evidence?: readonly SignalEvidence[],
): string {
  const table = formatTable(
    [
      "time",
      "symbol",
      "signal",
      "bias",
      "score",
      "conf",
      "priority",
      "close",
      "vol×",
      "confirmation",
      ...(evidence === undefined ? [] : ["evidence"]),
    ],
    signals.map((s, index) => {
      const found = evidence?.[index];
      return [
        readableBarTime(s.time),
        s.symbol,
        s.variant === null ? s.type : `${s.type}/${s.variant}`,
        s.bias,
        s.score,
        s.confidence.toFixed(2),
        s.priority,
        s.close.toFixed(2),
        s.volumeRatio.toFixed(2),
        s.confirmation === null ? "" : `${s.confirmation.outcome} ${readableBarTime(s.confirmation.time)}`,
        ...(evidence === undefined
          ? []
          : [found === undefined ? "" : evidencePhrase(found, { language: "en" })]),
      ];
    }),
  );
  return table
    .split("\n")
    .map((line) => `${indent}${line}`)
    .join("\n");
}
