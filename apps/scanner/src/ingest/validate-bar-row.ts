import type { BarRow } from "@vpa/db";
import type { RawBarRow } from "./read-bar-file.ts";

/**
 * The validation rules of an imported row. A row is either accepted as a bar or rejected with one
 * of these reasons; nothing is repaired silently. (The shared dataset has 8 rows of 3.2M with
 * inconsistent OHLC: they are rejected and reported, and the symbol's other bars are kept.)
 */
export const REJECTION_REASONS = [
  "bad-symbol",
  "bad-date",
  "future-date",
  "not-a-number",
  "non-positive-price",
  "negative-volume",
  "high-below-low",
  "open-outside-range",
  "close-outside-range",
  "duplicate-time",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type ValidatedRow =
  | { readonly ok: true; readonly symbol: string; readonly bar: BarRow; readonly intraday: boolean }
  | { readonly ok: false; readonly reason: RejectionReason; readonly detail: string };

const SYMBOL = /^[A-Z0-9]{1,12}$/;
const DAILY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INTRADAY = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `2024-01-02 09:15:00` (exchange local time) → `2024-01-02T09:15:00+07:00`; null if not a real date. */
export function normalizeBarTime(text: string): { time: string; intraday: boolean } | null {
  const daily = DAILY.exec(text);
  if (daily !== null) {
    const [, y, m, d] = daily;
    const date = new Date(`${y}-${m}-${d}T00:00:00Z`);
    return date.toISOString().slice(0, 10) === text ? { time: text, intraday: false } : null;
  }
  const intraday = INTRADAY.exec(text);
  if (intraday === null) return null;
  const [, y, m, d, hh, mm, ss = "00"] = intraday;
  const time = `${y}-${m}-${d}T${hh}:${mm}:${ss}+07:00`;
  const parsed = new Date(time);
  if (Number.isNaN(parsed.getTime()) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  return { time, intraday: true };
}

function toNumber(text: string): number {
  return text === "" ? Number.NaN : Number(text);
}

/** Checks one row. `todayLocal` (YYYY-MM-DD in Asia/Ho_Chi_Minh) bounds the future-date rule. */
export function validateBarRow(row: RawBarRow, todayLocal: string): ValidatedRow {
  if (!SYMBOL.test(row.symbol))
    return { ok: false, reason: "bad-symbol", detail: `symbol ${JSON.stringify(row.symbol)}` };
  const time = normalizeBarTime(row.date);
  if (time === null) return { ok: false, reason: "bad-date", detail: `date ${JSON.stringify(row.date)}` };
  if (time.time.slice(0, 10) > todayLocal)
    return { ok: false, reason: "future-date", detail: `date ${row.date}` };
  const open = toNumber(row.open);
  const high = toNumber(row.high);
  const low = toNumber(row.low);
  const close = toNumber(row.close);
  const volume = toNumber(row.volume);
  for (const [name, value] of [
    ["open", open],
    ["high", high],
    ["low", low],
    ["close", close],
    ["volume", volume],
  ] as const) {
    if (!Number.isFinite(value))
      return { ok: false, reason: "not-a-number", detail: `${name} ${JSON.stringify(row[name])}` };
  }
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) {
    return { ok: false, reason: "non-positive-price", detail: `o=${open} h=${high} l=${low} c=${close}` };
  }
  if (volume < 0) return { ok: false, reason: "negative-volume", detail: `volume ${volume}` };
  if (high < low) return { ok: false, reason: "high-below-low", detail: `high ${high} < low ${low}` };
  if (open < low || open > high)
    return { ok: false, reason: "open-outside-range", detail: `open ${open} not in [${low}, ${high}]` };
  if (close < low || close > high) {
    return { ok: false, reason: "close-outside-range", detail: `close ${close} not in [${low}, ${high}]` };
  }
  return {
    ok: true,
    symbol: row.symbol,
    intraday: time.intraday,
    bar: { time: time.time, open, high, low, close, volume },
  };
}
