/**
 * Sessions after the signal at which its outcome is read: 1, 5, 10 and 20 bars (a day, a week,
 * two weeks, a month of sessions). A horizon `h` holds from the open of bar `t+1` to the close of
 * bar `t+h`.
 *
 * The 1-bar horizon is a measurement, not a trade anyone can make: T+2 (vn-market.md §4) forbids
 * selling on the day of the purchase. It is kept because it shows how fast a signal's move comes.
 */
export const TRACK_RECORD_HORIZONS = [1, 5, 10, 20] as const;

/** The longest horizon: a signal is complete once this many bars follow it. */
export const LONGEST_TRACK_RECORD_HORIZON = 20;

/**
 * @throws RangeError unless every horizon is a whole number from 1 to 250, without repeats.
 */
export function checkHorizons(horizons: readonly number[]): readonly number[] {
  if (horizons.length === 0) throw new RangeError("at least one horizon is needed");
  for (const h of horizons) {
    if (!Number.isInteger(h) || h < 1 || h > 250)
      throw new RangeError(`a horizon is a whole number of bars from 1 to 250, got ${h}`);
  }
  if (new Set(horizons).size !== horizons.length)
    throw new RangeError(`repeated horizon in ${horizons.join(",")}`);
  return horizons;
}
