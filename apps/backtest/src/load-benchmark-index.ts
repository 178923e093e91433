import type { IndexSeries } from "@vpa/core";
import { type Database, loadIndexSeries } from "@vpa/db";
import type { Kysely } from "kysely";

/**
 * Calendar days of index bars loaded before `from`: the engine compares with the index's last
 * close at or before the first session, so a run that starts on a day the index has no bar (a
 * gap in its data) still finds the close before it.
 */
const INDEX_LEAD_DAYS = 10;

/**
 * The stored index `symbol`'s closes over a run (vpa-core aligns them on the run's sessions and
 * compares only when they cover it). An index that is not stored comes back empty, so the report
 * can say it was not compared and why.
 */
export async function loadBenchmarkIndex(
  db: Kysely<Database>,
  symbol: string,
  period: { readonly from: string; readonly to: string; readonly timeframe?: string },
): Promise<IndexSeries> {
  // An intraday run is not compared with the daily index: a date's close is known only after that
  // date's last bar, and the engine would read it at the date's first. The report says so.
  if (period.timeframe !== undefined && period.timeframe !== "1D")
    return { name: symbol, time: [], close: [] };
  const from = new Date(Date.parse(`${period.from}T00:00:00Z`) - INDEX_LEAD_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return (
    (await loadIndexSeries(db, { symbol, from, to: period.to })) ?? { name: symbol, time: [], close: [] }
  );
}
