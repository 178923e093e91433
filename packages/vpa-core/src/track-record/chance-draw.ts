import { indexOfBarTime } from "./bar-search.ts";
import { mulberry32, seedFor } from "./seeded-random.ts";

/**
 * A signal's **chance** entry: one bar of the same symbol in the same calendar year, drawn at
 * random, traded exactly as the signal is (in at the next open, out at the close `h` bars after the
 * drawn bar). Chance answers "what would a random day in this stock, this year, have returned?",
 * so a signal's figure reads as edge over chance. One draw per signal: a group of signals has as
 * many chance entries as it has signals, from the same symbols and years.
 *
 * How it is drawn (rejection sampling, so that the draw is uniform over the symbol's sessions of
 * that year and never changes once made): pick a weekday of the year with the signal's own seeded
 * generator; if the symbol has a bar that day (and the bar is past the analyser's warm-up, where a
 * signal could have been read), that bar is the draw; if not, pick again. A weekday after `asOf`
 * (the newest date of the data) cannot be judged yet: the draw **waits** for that date. Whether a
 * past weekday has a bar never changes, so a made draw is final; appending bars can only settle a
 * waiting one.
 */
export type ChanceDraw =
  | { readonly status: "drawn"; readonly bar: number; readonly time: string }
  | { readonly status: "waiting"; readonly until: string }
  | { readonly status: "none" };

/**
 * Candidates tried before giving up (`none`). A symbol with 10 eligible sessions in a year of 261
 * weekdays fails 200 times in a row with probability (251/261)^200 ≈ 0.04%.
 */
export const MAX_CHANCE_CANDIDATES = 200;

const weekdaysByYear = new Map<number, readonly string[]>();

/**
 * Monday–Friday dates of `year`, `YYYY-MM-DD`, in order (memoised: a pure function of the year).
 *
 * @example
 * weekdaysOfYear(2021).length; // 261
 */
export function weekdaysOfYear(year: number): readonly string[] {
  let days = weekdaysByYear.get(year);
  if (days === undefined) {
    const list: string[] = [];
    for (let ms = Date.UTC(year, 0, 1); new Date(ms).getUTCFullYear() === year; ms += 86_400_000) {
      const weekday = new Date(ms).getUTCDay();
      if (weekday !== 0 && weekday !== 6) list.push(new Date(ms).toISOString().slice(0, 10));
    }
    days = Object.freeze(list);
    weekdaysByYear.set(year, days);
  }
  return days;
}

/** The key a signal's chance draw is seeded with: symbol, bar date and type identify a signal. */
export function chanceKey(symbol: string, signalTime: string, signalType: string): string {
  return `chance|${symbol}|${signalTime}|${signalType}`;
}

export interface ChanceDrawInput {
  /** The symbol's bar times, oldest first; only the first `length` count. */
  readonly times: readonly string[];
  readonly length: number;
  /** {@link chanceKey} of the signal. */
  readonly key: string;
  readonly seed: number;
  /** The signal's calendar year. */
  readonly year: number;
  /** The first bar time on which a signal can be read (the analyser's warm-up ends there). */
  readonly eligibleFrom: string;
  /** The newest date of the data: a weekday after it cannot be judged yet. */
  readonly asOf: string;
}

/**
 * Draws a signal's chance bar (see {@link ChanceDraw}).
 *
 * @example
 * drawChanceBar({ times, length: times.length, key: chanceKey("VCB", "2020-03-23", "SPRING"), seed: 1,
 *   year: 2020, eligibleFrom: times[40], asOf: "2021-07-15" }); // { status: "drawn", bar: 512, time: "2020-06-09" }
 */
export function drawChanceBar(input: ChanceDrawInput): ChanceDraw {
  const days = weekdaysOfYear(input.year);
  const random = mulberry32(seedFor(input.seed, input.key));
  for (let attempt = 0; attempt < MAX_CHANCE_CANDIDATES; attempt++) {
    const day = days[Math.floor(random() * days.length)]!;
    if (day > input.asOf) return { status: "waiting", until: day };
    if (day < input.eligibleFrom) continue;
    const bar = indexOfBarTime(input.times, input.length, day);
    if (bar >= 0) return { status: "drawn", bar, time: day };
  }
  return { status: "none" };
}
