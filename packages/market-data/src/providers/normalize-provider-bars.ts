/**
 * Turns the rows of a response into the bars a provider returns: valid, within the range, oldest
 * first, one per time. The rules match the importer's (apps/scanner validate-bar-row.ts), so a bar
 * from a provider and a bar from a file pass the same checks:
 *
 * - dropped and reported: `bad-date`, `not-a-number`, `non-positive-price`, `negative-volume`,
 *   `high-below-low`, `open-outside-range`, `close-outside-range` (nothing is repaired);
 * - `duplicate-time`: several rows with one time keep the LAST one in response order (sources
 *   re-send an updated copy of the newest bar); each dropped copy is reported;
 * - rows outside [from, to] are left out without a report (sources pad ranges).
 *
 * Zero volume is valid (real days without trades).
 */
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
  const { time, open, high, low, close, volume } = row;
  if (time === null) return { reason: "bad-date", detail: "unusable time stamp" };
  const at = `at ${time}`;
  for (const [name, value] of [
    ["open", open],
    ["high", high],
    ["low", low],
    ["close", close],
    ["volume", volume],
  ] as const) {
    if (!Number.isFinite(value)) return { reason: "not-a-number", detail: `${name} ${String(value)} ${at}` };
  }
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) {
    return { reason: "non-positive-price", detail: `o=${open} h=${high} l=${low} c=${close} ${at}` };
  }
  if (volume < 0) return { reason: "negative-volume", detail: `volume ${volume} ${at}` };
  if (high < low) return { reason: "high-below-low", detail: `high ${high} < low ${low} ${at}` };
  if (open < low || open > high) {
    return { reason: "open-outside-range", detail: `open ${open} not in [${low}, ${high}] ${at}` };
  }
  if (close < low || close > high) {
    return { reason: "close-outside-range", detail: `close ${close} not in [${low}, ${high}] ${at}` };
  }
  return null;
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
  return [...byTime.values()].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}
