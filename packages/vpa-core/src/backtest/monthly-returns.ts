/** The return of one calendar month, from the last close of the month before (or the start). */
export interface MonthlyReturn {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly return: number;
}

/**
 * Monthly returns of an equity series: each month's last close over the previous month's last
 * close; the first month starts from the first point.
 *
 * @example
 * monthlyReturns(["2020-01-30", "2020-01-31", "2020-02-28"], [100, 110, 99]);
 * // [{ month: "2020-01", return: 0.1 }, { month: "2020-02", return: -0.1 }]
 */
export function monthlyReturns(times: readonly string[], equity: ArrayLike<number>): MonthlyReturn[] {
  const months: MonthlyReturn[] = [];
  if (times.length === 0) return months;
  let base = equity[0]!;
  for (let i = 0; i < times.length; i++) {
    const month = times[i]!.slice(0, 7);
    const isLastOfMonth = i === times.length - 1 || times[i + 1]!.slice(0, 7) !== month;
    if (!isLastOfMonth) continue;
    months.push({ month, return: equity[i]! / base - 1 });
    base = equity[i]!;
  }
  return months;
}
