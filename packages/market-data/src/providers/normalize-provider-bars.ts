/**
 * Turns the rows of a response into the bars a provider returns: valid, within the range, oldest
 * first, one per time. The numbers pass the same checks as an imported file's
 * (bar-validation/check-bar-values.ts), so a bar from a provider and a bar from a file are judged
 * alike:
 *
 * - dropped and reported: `bad-date`, then every problem of `checkBarValues` (`not-a-number`,
 *   `non-positive-price`, `price-out-of-range`, `negative-volume`, `bad-volume`, `high-below-low`,
 *   `open-outside-range`, `close-outside-range`, `price-jump` within the bar); nothing is repaired;
 * - `duplicate-time`: several rows with one time keep the LAST one in response order (sources
 *   re-send an updated copy of the newest bar); each dropped copy is reported;
 * - `price-jump`: a bar whose close, high or low is 100× or more away from the close of the bar
 *   before it in this response (PRICE_JUMP_FACTOR), in time order, is dropped; the next bar is
 *   compared with the last bar kept. The first bar of a response has no neighbour here (the
 *   importer also checks against the stored bars; a provider response is not);
 * - rows outside [from, to] are left out without a report (sources pad ranges).
 *
 * Zero volume is valid (real days without trades).
 */
import { checkBarValues, describePriceJump, findPriceJump } from "../bar-validation/check-bar-values.ts";
import { isWithinRange, type ResolvedRange } from "./provider-time.ts";
import type { ProviderBar } from "./provider-types.ts";

/** A row as decoded from a response: `time` null when the stamp was unusable; numbers may be NaN. */
export interface RawProviderRow {
  readonly time: string | null;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export type InvalidBarReporter = (reason: string, detail: string) => void;

/** Why a row is not a bar, or null when it is one. */
export function invalidRowReason(row: RawProviderRow): { reason: string; detail: string } | null {
  if (row.time === null) return { reason: "bad-date", detail: "unusable time stamp" };
  const issue = checkBarValues(row);
  return issue === null ? null : { reason: issue.problem, detail: `${issue.detail} at ${row.time}` };
}

/**
 * @example
 * normalizeProviderBars([b2, b1, b1again], range, report); // [b1again, b2], report("duplicate-time", ...)
 */
export function normalizeProviderBars(
  rows: readonly RawProviderRow[],
  range: ResolvedRange,
  report: InvalidBarReporter,
): ProviderBar[] {
  const byTime = new Map<string, ProviderBar>();
  for (const row of rows) {
    const invalid = invalidRowReason(row);
    if (invalid !== null) {
      report(invalid.reason, invalid.detail);
      continue;
    }
    const time = row.time as string;
    if (!isWithinRange(time, range)) continue;
    const bar: ProviderBar = {
      time,
      open: row.open,
      high: row.high,
      low: row.low,
      close: row.close,
      volume: row.volume,
    };
    const earlier = byTime.get(time);
    if (earlier !== undefined) {
      const same = JSON.stringify(earlier) === JSON.stringify(bar);
      report("duplicate-time", `${time} sent twice${same ? " (identical)" : "; the later copy is kept"}`);
    }
    byTime.set(time, bar);
  }
  // Bar times of one timeframe share one notation, so text order is time order.
  const sorted = [...byTime.values()].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const kept: ProviderBar[] = [];
  for (const bar of sorted) {
    const previous = kept.at(-1);
    const jump = previous === undefined ? null : findPriceJump(bar, previous.close);
    if (previous !== undefined && jump !== null) {
      report(
        "price-jump",
        `${jump} ${bar[jump]} is ${describePriceJump(bar[jump], previous.close)} close ${previous.close} of the bar before (${previous.time}) at ${bar.time}`,
      );
      continue;
    }
    kept.push(bar);
  }
  return kept;
}
