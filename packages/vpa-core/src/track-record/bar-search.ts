/** Binary searches over a series' bar times (strictly increasing strings, `YYYY-MM-DD`). */

/** Index of the first of `times[0 .. length)` that is > `time` (= the number of bars at or before it). */
export function countBarsThrough(times: readonly string[], length: number, time: string): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (times[mid]! <= time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index of the bar at exactly `time` within the first `length` bars, or −1. */
export function indexOfBarTime(times: readonly string[], length: number, time: string): number {
  const after = countBarsThrough(times, length, time);
  return after > 0 && times[after - 1] === time ? after - 1 : -1;
}
