import { isTimeframe, listSignals, type Timeframe } from "@vpa/db";
// Relative: the evidence lives in the alerts workspace, whose index this command does not own.
import { createEvidenceLookup, evidenceSubjectOfSignal } from "../../../alerts/src/evidence/index.ts";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { formatSignalsTable } from "../format-signals.ts";
import { parseInteger, parseOptions } from "../parse-options.ts";

export async function runSignals(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("signals", args);
  if (positionals.length > 0) throw new UsageError(`signals: unexpected ${positionals.join(" ")}`);
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) {
    throw new UsageError(`signals: --since must be a date like 2021-07-01 (got ${values.since})`);
  }
  if (values.timeframe !== undefined && !isTimeframe(values.timeframe)) {
    throw new UsageError(`signals: unknown --timeframe ${values.timeframe}`);
  }
  // Read-only: the read replica when DATABASE_READ_URL is set (a scan's newest signals may show a
  // moment later there than on the primary).
  const db = app.readDatabase.db;
  const signals = await listSignals(db, {
    symbol: values.symbol?.toUpperCase(),
    since: values.since,
    minScore: parseInteger("signals", "min-score", values["min-score"], 0, 100),
    timeframe: values.timeframe as Timeframe | undefined,
    limit: parseInteger("signals", "limit", values.limit, 1, 100_000) ?? 50,
  });
  // Each signal's evidence counts only outcomes final by its own bar (alerts/src/evidence/README.md).
  const evidence = await createEvidenceLookup({ db }).evidenceFor(signals.map(evidenceSubjectOfSignal));
  if (values.json) {
    for (const [index, signal] of signals.entries())
      console.log(JSON.stringify({ ...signal, evidence: evidence[index] }));
    return 0;
  }
  if (signals.length === 0) {
    console.log("no signals stored (run `vpa scan`, or `vpa demo`)");
    return 0;
  }
  console.log(formatSignalsTable(signals, "", evidence));
  return 0;
}
