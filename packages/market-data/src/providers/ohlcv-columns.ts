/**
 * The column layout both sources use: `{ t: [...], o: [...], h: [...], l: [...], c: [...], v: [...] }`,
 * one array per field, index i of each array being bar i. Values may be numbers or strings in plain
 * decimal notation (Vietcap sends `t` as strings); anything else ("0x10", "1e3", null) becomes NaN
 * and the row is rejected later.
 */

import { parsePlainDecimal } from "../bar-validation/plain-decimal.ts";
import type { RawProviderRow } from "./normalize-provider-bars.ts";
import { ProviderError } from "./provider-error.ts";
import { unixSecondsToBarTime } from "./provider-time.ts";
import type { ProviderTimeframe } from "./provider-types.ts";

const COLUMNS = ["t", "o", "h", "l", "c", "v"] as const;

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") return parsePlainDecimal(value.trim());
  return Number.NaN;
}

export interface ColumnDecodeOptions {
  readonly provider: string;
  readonly timeframe: ProviderTimeframe;
  /** Divides prices (not volume) by this: 1000 for sources quoting VND. */
  readonly priceDivisor: number;
}

/** A VND price as thousand VND, rounded to 7 decimals (0.0001 VND) to drop binary noise. */
function dividePrice(value: number, divisor: number): number {
  if (divisor === 1 || !Number.isFinite(value)) return value;
  return Math.round((value / divisor) * 1e7) / 1e7;
}

/**
 * Rows of a column object.
 *
 * @throws ProviderError `PROVIDER_BAD_RESPONSE` when a column is missing or not an array, or the
 * columns differ in length (a truncated or corrupted body: no row of it can be trusted).
 */
export function decodeOhlcvColumns(
  body: Record<string, unknown>,
  options: ColumnDecodeOptions,
): RawProviderRow[] {
  const columns: unknown[][] = [];
  for (const name of COLUMNS) {
    const column = body[name];
    if (!Array.isArray(column)) {
      throw new ProviderError("PROVIDER_BAD_RESPONSE", `${options.provider}: column "${name}" is missing`, {
        provider: options.provider,
      });
    }
    columns.push(column);
  }
  const [t, o, h, l, c, v] = columns as [unknown[], unknown[], unknown[], unknown[], unknown[], unknown[]];
  const lengths = columns.map((column) => column.length);
  if (lengths.some((length) => length !== t.length)) {
    throw new ProviderError(
      "PROVIDER_BAD_RESPONSE",
      `${options.provider}: columns t,o,h,l,c,v differ in length (${lengths.join(",")})`,
      { provider: options.provider },
    );
  }
  const rows: RawProviderRow[] = [];
  for (let index = 0; index < t.length; index++) {
    rows.push({
      time: unixSecondsToBarTime(toNumber(t[index]), options.timeframe),
      open: dividePrice(toNumber(o[index]), options.priceDivisor),
      high: dividePrice(toNumber(h[index]), options.priceDivisor),
      low: dividePrice(toNumber(l[index]), options.priceDivisor),
      close: dividePrice(toNumber(c[index]), options.priceDivisor),
      volume: toNumber(v[index]),
    });
  }
  return rows;
}

/** Unix seconds of each row's stamp as sent (for paging), NaN where unreadable. */
export function stampsOf(body: Record<string, unknown>): number[] {
  const t = body.t;
  return Array.isArray(t) ? t.map(toNumber) : [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
