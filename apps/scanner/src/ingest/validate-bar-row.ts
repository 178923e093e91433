import type { BarRow } from "@vpa/db";
import { checkBarValues, normalizeMarketSymbol, parsePlainDecimal } from "@vpa/market-data";
import type { RawBarRow } from "./raw-bar-row.ts";

/**
 * The validation rules of an imported row. A row is either stored or rejected with one of these
 * reasons; nothing is repaired (a repair would invent a price the source never published). The
 * shared dataset has 8 rows of 3.2M with inconsistent OHLC and 3 single-day ~1000× glitches: they
 * are rejected and reported, and the symbol's other bars are kept. The number rules are the ones
 * the HTTP providers and the live stream apply too (`@vpa/market-data` bar-validation). The rules,
 * in the order they are checked:
 *
 * | reason                | rule                                                                             |
 * | --------------------- | -------------------------------------------------------------------------------- |
 * | `malformed-row`       | the line has fewer fields than the header needs, or is not a JSON object         |
 * | `bad-symbol`          | not 1–12 of `A-Z 0-9` after trimming and upper-casing ASCII letters only: no    |
 * |                       | Unicode folding (`ﬁſh` is rejected, not read as `FISH`)                          |
 * | `bad-date`            | not a real `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]` (local time)                  |
 * | `future-date`         | a date after today in Asia/Ho_Chi_Minh                                           |
 * | `not-a-number`        | a price or the volume is empty or text not in plain decimal notation             |
 * |                       | `-?\d+(\.\d+)?` ("0x10", "1e300", "Infinity", "1,000" are refused); JSON        |
 * |                       | numbers are taken as numbers                                                     |
 * | `non-positive-price`  | open, high, low or close <= 0                                                    |
 * | `price-out-of-range`  | a price (in thousand VND, after `--price-unit`) outside 0.0001–10,000,000         |
 * |                       | (SANE_PRICE_RANGE; infinite JSON numbers such as 1e400 included)                 |
 * | `negative-volume`     | volume < 0 (zero-volume days are real and kept)                                  |
 * | `bad-volume`          | volume not a whole number of shares (1500.0 is whole), or above 2^53             |
 * | `high-below-low`      | high < low                                                                       |
 * | `open-outside-range`  | open outside [low, high]                                                         |
 * | `close-outside-range` | close outside [low, high]                                                        |
 * | `price-jump`          | high or low 100× or more away from the row's own close (PRICE_JUMP_FACTOR); and  |
 * |                       | (import-bars.ts) close, high or low 100× or more away from the close of the      |
 * |                       | stored bar at or before the row's time, or of the symbol's previous row stored   |
 * |                       | in this import: the detail names `--price-unit`                                  |
 * | `duplicate-time`      | (import-bars.ts) a time already read for the symbol in this import: first wins |
 */
export const REJECTION_REASONS = [
  "malformed-row",
  "bad-symbol",
  "bad-date",
  "future-date",
  "not-a-number",
  "non-positive-price",
  "price-out-of-range",
  "negative-volume",
  "bad-volume",
  "high-below-low",
  "open-outside-range",
  "close-outside-range",
  "price-jump",
  "duplicate-time",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * Rows that are stored but reported (import-bars.ts): they do not change the exit code.
 * - `unsorted-time`: the row is older than a bar already read for its symbol (storage is keyed by
 *   time, so order does not matter to the result; the count tells the user the file is unsorted).
 * - `possible-adjustment`: the close moved from the previous close by more than the exchange's
 *   daily price band: a split, dividend or other adjustment, or a data error, to look at.
 */
export const FLAG_REASONS = ["unsorted-time", "possible-adjustment"] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

export type ValidatedRow =
  | { readonly ok: true; readonly symbol: string; readonly bar: BarRow; readonly intraday: boolean }
  | { readonly ok: false; readonly reason: RejectionReason; readonly detail: string };

/** The numbers of a row that passed {@link checkBarRow}, written into a reused object (no per-row garbage). */
export interface CheckedBar {
  /** The symbol, upper-cased (ASCII only). */
  symbol: string;
  /** Bar time as Unix seconds (a daily bar: local midnight, UTC+7). */
  key: number;
  intraday: boolean;
  /** Prices in thousand VND (after the price-unit conversion). */
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Why the row was rejected (set only on rejection). */
  detail: string;
}

export function createCheckedBar(): CheckedBar {
  return { symbol: "", key: 0, intraday: false, open: 0, high: 0, low: 0, close: 0, volume: 0, detail: "" };
}

const VIETNAM_OFFSET_SECONDS = 7 * 3600;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * `2024-01-02` (local midnight) or `2024-01-02 09:15[:00]` / `2024-01-02T09:15:00` (exchange local
 * time, UTC+7) → Unix seconds; NaN if it is not a real date and time. Hand-written: a `Date` and a
 * regular expression per row were half of the import's parse time.
 */
export function barTimeKey(text: string): number {
  const length = text.length;
  if (length !== 10 && length !== 16 && length !== 19) return Number.NaN;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return Number.NaN;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month] as number) + (leap ? 1 : 0)) return Number.NaN;
  let seconds = 0;
  if (length > 10) {
    const separator = text.charCodeAt(10);
    if ((separator !== 32 && separator !== 84) || text.charCodeAt(13) !== 58) return Number.NaN;
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    let second = 0;
    if (length === 19) {
      if (text.charCodeAt(16) !== 58) return Number.NaN;
      second = digits(text, 17, 2);
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
    seconds = hour * 3600 + minute * 60 + second;
  }
  return daysFromCivil(year, month, day) * 86_400 + seconds - VIETNAM_OFFSET_SECONDS;
}

/** `2024-01-02 09:15:00` (exchange local time) → `2024-01-02T09:15:00+07:00`; null if not a real date. */
export function normalizeBarTime(text: string): { time: string; intraday: boolean } | null {
  if (Number.isNaN(barTimeKey(text))) return null;
  if (text.length === 10) return { time: text, intraday: false };
  const seconds = text.length === 19 ? text.slice(17, 19) : "00";
  return { time: `${text.slice(0, 10)}T${text.slice(11, 16)}:${seconds}+07:00`, intraday: true };
}

/** Bar time text of a key from {@link barTimeKey}: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS+07:00`. */
export function barTimeText(key: number, intraday: boolean): string {
  const local = new Date((key + VIETNAM_OFFSET_SECONDS) * 1000).toISOString();
  return intraday ? `${local.slice(0, 19)}+07:00` : local.slice(0, 10);
}

/** A JSON number as it is (finite or not: the checks judge it); text only in plain decimal notation. */
function toNumber(value: string | number): number {
  return typeof value === "number" ? value : parsePlainDecimal(value);
}

/**
 * Checks one row against the rules above. `todayLocal` (YYYY-MM-DD in Asia/Ho_Chi_Minh) bounds the
 * future-date rule; prices are divided by `priceDivisor` (import-price-unit.ts) first. On success
 * fills `out` and returns null; on rejection sets `out.detail` and returns the reason.
 */
export function checkBarRow(
  row: RawBarRow,
  todayLocal: string,
  priceDivisor: number,
  out: CheckedBar,
): RejectionReason | null {
  if (row.malformed !== undefined) {
    out.detail = row.malformed;
    return "malformed-row";
  }
  const symbol = normalizeMarketSymbol(row.symbol);
  if (symbol === null) {
    out.detail = `symbol ${JSON.stringify(row.symbol)}`;
    return "bad-symbol";
  }
  const date = row.date;
  const key = barTimeKey(date);
  if (Number.isNaN(key)) {
    out.detail = `date ${JSON.stringify(date)}`;
    return "bad-date";
  }
  // Both are YYYY-MM-DD prefixes: string order is date order.
  if (date.length === 10 ? date > todayLocal : date.slice(0, 10) > todayLocal) {
    out.detail = `date ${date} is after today (${todayLocal})`;
    return "future-date";
  }
  out.open = toNumber(row.open) / priceDivisor;
  out.high = toNumber(row.high) / priceDivisor;
  out.low = toNumber(row.low) / priceDivisor;
  out.close = toNumber(row.close) / priceDivisor;
  out.volume = toNumber(row.volume);
  const issue = checkBarValues(out, row);
  if (issue !== null) {
    out.detail = issue.detail;
    return issue.problem;
  }
  out.symbol = symbol;
  out.key = key;
  out.intraday = date.length > 10;
  return null;
}

/**
 * Checks one row (the rules above, without `price-jump` and `duplicate-time`, which need the rows
 * before it).
 * `priceDivisor` converts the file's unit to thousand VND (default 1: the file is in thousand VND;
 * 1000 for VND).
 */
export function validateBarRow(row: RawBarRow, todayLocal: string, priceDivisor = 1): ValidatedRow {
  const out = createCheckedBar();
  const reason = checkBarRow(row, todayLocal, priceDivisor, out);
  if (reason !== null) return { ok: false, reason, detail: out.detail };
  const time = out.intraday ? barTimeText(out.key, true) : row.date;
  return {
    ok: true,
    symbol: out.symbol,
    intraday: out.intraday,
    bar: { time, open: out.open, high: out.high, low: out.low, close: out.close, volume: out.volume },
  };
}
