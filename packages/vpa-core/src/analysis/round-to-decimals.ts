/**
 * Rounds for output (features to 4 decimals, priceChange to 6): `Math.round(x · 10^d) / 10^d`.
 * Rounding happens only when a record is built; every rule compares the unrounded values.
 *
 * @example
 * roundToDecimals(0.123456789, 4); // 0.1235
 */
export function roundToDecimals(x: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(x * factor) / factor;
}
