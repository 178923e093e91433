/**
 * Unit convention: the market rules work in **VND** (integers), the unit the exchanges define
 * ticks and bands in. Most data sources quote **thousand VND** (103.4 = 103,400 VND); convert at
 * the edge with these two functions. The VPA analysis itself is unit-free.
 *
 * @example
 * thousandVndToVnd(103.4); // 103400
 * vndToThousandVnd(103400); // 103.4
 */
export function thousandVndToVnd(thousandVnd: number): number {
  // Round: 103.4 * 1000 is 103400.00000000001 in floating point.
  return Math.round(thousandVnd * 1000);
}

/** VND → thousand VND (the unit of most quotes). */
export function vndToThousandVnd(vnd: number): number {
  return vnd / 1000;
}
