import type { Bias, market } from "@vpa/core";
import { type Kysely, sql } from "kysely";
import { barTimeToDate, type Timeframe } from "../bar-time.ts";
import type { Database } from "../schema.ts";
import { type SignalView, selectSignalViews, toSignalView } from "./signal-repository.ts";

/**
 * Stored signals a page at a time, for the HTTP API: newest bar first, then newest id, with a
 * keyset cursor (the last row's bar time and id), so a page costs one index walk however deep it
 * is and a signal stored between two pages never shifts or repeats a row.
 */
export interface SignalPageQuery {
  readonly symbol?: string;
  readonly type?: string;
  readonly bias?: Bias;
  readonly exchange?: market.Exchange;
  readonly timeframe?: Timeframe;
  /** Bar times from (inclusive), `YYYY-MM-DD` or an ISO-8601 instant. */
  readonly since?: string;
  /** Bar times to (inclusive). */
  readonly until?: string;
  readonly minScore?: number;
  /** Rows strictly after this one in the page order (the previous page's last row). */
  readonly after?: { readonly time: Date; readonly id: number };
  readonly limit: number;
}

export interface SignalPage {
  readonly signals: SignalView[];
  /** Where the next page starts; null on the last page. */
  readonly next: { readonly time: Date; readonly id: number } | null;
}

/** One page of signals (limit + 1 rows are read to know whether another page follows). */
export async function listSignalPage(db: Kysely<Database>, query: SignalPageQuery): Promise<SignalPage> {
  let select = selectSignalViews(db)
    .orderBy("s.time", "desc")
    .orderBy("s.id", "desc")
    .limit(query.limit + 1);
  if (query.symbol !== undefined) select = select.where("st.symbol", "=", query.symbol);
  if (query.type !== undefined) select = select.where("s.type", "=", query.type);
  if (query.bias !== undefined) select = select.where("s.bias", "=", query.bias);
  if (query.exchange !== undefined) select = select.where("st.exchange", "=", query.exchange);
  if (query.timeframe !== undefined) select = select.where("s.timeframe", "=", query.timeframe);
  if (query.since !== undefined) select = select.where("s.time", ">=", barTimeToDate(query.since));
  if (query.until !== undefined) select = select.where("s.time", "<=", barTimeToDate(query.until));
  if (query.minScore !== undefined) select = select.where("s.score", ">=", query.minScore);
  const after = query.after;
  if (after !== undefined) {
    select = select.where(sql<boolean>`(s.time, s.id) < (${after.time}::timestamptz, ${after.id}::int)`);
  }
  const rows = await select.execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const signals = page.map(toSignalView);
  return {
    signals,
    next: rows.length > query.limit && last !== undefined ? { time: last.time, id: last.id } : null,
  };
}
