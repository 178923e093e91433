import { addCalendarDays, isCalendarDate } from "../../market/calendar-date.ts";

/**
 * Walk-forward analysis (README "Walk-forward"): choose parameters on a training window, trade them
 * on the test window that follows, roll forward by the test length, repeat. Glossary:
 * - **training window** (in-sample): where the parameters are chosen;
 * - **test window** (out-of-sample): the sessions right after it, traded with the chosen parameters;
 * - **stitched curve**: the test windows' equity one after the other, cash carried across.
 */

/** One step of a walk-forward: calendar dates `YYYY-MM-DD`, both ends inclusive. */
export interface WalkForwardWindow {
  /** 0, 1, 2… in time order. */
  readonly index: number;
  readonly trainFrom: string;
  readonly trainTo: string;
  /** The day after `trainTo`: test windows never overlap their training window. */
  readonly testFrom: string;
  /** `testFrom` + the test length − 1 day, or the end of the period for the last window. */
  readonly testTo: string;
}

/** Window lengths in calendar months (a year is 12). */
export interface WalkForwardLengths {
  readonly trainMonths: number;
  readonly testMonths: number;
}

/**
 * `date` plus `months` calendar months, the day clamped to the month's length.
 *
 * @example
 * addCalendarMonths("2019-01-31", 1); // "2019-02-28"
 * addCalendarMonths("2018-01-01", 36); // "2021-01-01"
 */
export function addCalendarMonths(date: string, months: number): string {
  if (!isCalendarDate(date)) throw new RangeError(`not a YYYY-MM-DD calendar date: ${JSON.stringify(date)}`);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  const day = Number(date.slice(8, 10));
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return new Date(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

/**
 * The windows of a walk-forward over [from, to]. Every boundary is counted from `from` (window k
 * trains on [from + k·test, from + k·test + train) and tests on the next `test` months), so month
 * ends do not drift; the last test window ends at `to` and may be shorter. Consecutive test
 * windows are contiguous: together they cover [from + train, to] exactly once.
 *
 * @example
 * planWalkForwardWindows({ from: "2018-01-01", to: "2021-06-30" }, { trainMonths: 24, testMonths: 12 });
 * // [{ index: 0, trainFrom: "2018-01-01", trainTo: "2019-12-31", testFrom: "2020-01-01", testTo: "2020-12-31" },
 * //  { index: 1, trainFrom: "2019-01-01", trainTo: "2020-12-31", testFrom: "2021-01-01", testTo: "2021-06-30" }]
 * @throws RangeError for bad dates or lengths, or a period with no day after the first training window.
 */
export function planWalkForwardWindows(
  period: { readonly from: string; readonly to: string },
  lengths: WalkForwardLengths,
): WalkForwardWindow[] {
  const { from, to } = period;
  if (!isCalendarDate(from) || !isCalendarDate(to) || to < from)
    throw new RangeError(`walk-forward period must be YYYY-MM-DD .. YYYY-MM-DD, got ${from} .. ${to}`);
  for (const [name, value] of [
    ["trainMonths", lengths.trainMonths],
    ["testMonths", lengths.testMonths],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 1 && value <= 1_200))
      throw new RangeError(`${name} must be a whole number of months from 1 to 1200, got ${value}`);
  }
  const windows: WalkForwardWindow[] = [];
  for (let k = 0; ; k++) {
    const start = k * lengths.testMonths;
    const testFrom = addCalendarMonths(from, start + lengths.trainMonths);
    if (testFrom > to) break;
    let testTo = addCalendarDays(
      addCalendarMonths(from, start + lengths.trainMonths + lengths.testMonths),
      -1,
    );
    if (testTo > to) testTo = to;
    windows.push({
      index: k,
      trainFrom: addCalendarMonths(from, start),
      trainTo: addCalendarDays(testFrom, -1),
      testFrom,
      testTo,
    });
  }
  if (windows.length === 0)
    throw new RangeError(
      `walk-forward period ${from} .. ${to} is not longer than one training window (${lengths.trainMonths} months): nothing is left to test on`,
    );
  return windows;
}
