import type { Exchange } from "./exchange.ts";
import { tickSize } from "./tick-size.ts";

/**
 * Daily price limits as a fraction of the reference price, in basis points (vn-market.md §2).
 * `special` is HNX ±30% (first trading day, after >25 days suspended, stock-dividend ex-date) and
 * UPCOM ±40% (first trading day or after 25 sessions without trades). HOSE lists no widened band,
 * only the one-tick rule below, so its `special` equals `normal`.
 */
export const PRICE_BAND_BASIS_POINTS = {
  HOSE: { normal: 700, special: 700 },
  HNX: { normal: 1_000, special: 3_000 },
  UPCOM: { normal: 1_500, special: 4_000 },
} as const satisfies Record<Exchange, { normal: number; special: number }>;

export interface PriceBandOptions {
  /** Use the exchange's widened band for a special day (see {@link PRICE_BAND_BASIS_POINTS}). Default false. */
  readonly special?: boolean;
  /**
   * The band in basis points, replacing the exchange's (e.g. 700 for VN30 futures stored under
   * HNX; `priceBandBasisPointsOf`). Wins over `special`. Default: the exchange's.
   */
  readonly basisPoints?: number;
}

export interface PriceBand {
  readonly reference: number;
  /** Lowest valid order price (VND): the raw floor rounded **up** to a tick. */
  readonly floor: number;
  /** Highest valid order price (VND): the raw ceiling rounded **down** to a tick. */
  readonly ceiling: number;
}

/**
 * Floor and ceiling for a day, in VND, from the reference price (HOSE/HNX: the previous close;
 * UPCOM: the previous day's volume-weighted average — the caller supplies it).
 *
 * Limits are rounded inward to the tick of their own price level, so both are valid order prices.
 * HOSE only: if that rounding makes the ceiling or floor equal the reference (very low prices),
 * the limit is `reference ± 1 tick` (vn-market.md §2).
 *
 * Integer arithmetic in basis points keeps e.g. 10,000 × 1.07 from landing on 10,699.999….
 *
 * @example
 * priceBand("HOSE", 103_400);                   // { reference: 103_400, floor: 96_200, ceiling: 110_600 }
 * priceBand("HOSE", 100);                       // { reference: 100, floor: 90, ceiling: 110 } (one-tick rule)
 * priceBand("UPCOM", 12_000, { special: true }); // { reference: 12_000, floor: 7_200, ceiling: 16_800 }
 * priceBand("HNX", 1_000_000, { basisPoints: 700 }); // VN30 futures at 1,000.0 points: floor 930_000, ceiling 1_070_000
 */
export function priceBand(
  exchange: Exchange,
  referencePriceVnd: number,
  options: PriceBandOptions = {},
): PriceBand {
  if (!(Number.isInteger(referencePriceVnd) && referencePriceVnd > 0)) {
    throw new RangeError(`reference price must be a positive integer VND amount, got ${referencePriceVnd}`);
  }
  const bands = PRICE_BAND_BASIS_POINTS[exchange];
  const basisPoints = options.basisPoints ?? (options.special === true ? bands.special : bands.normal);
  if (!(Number.isInteger(basisPoints) && basisPoints > 0 && basisPoints < 10_000)) {
    throw new RangeError(`band must be a whole number of basis points in (0, 10000), got ${basisPoints}`);
  }
  const rawCeiling = Math.floor((referencePriceVnd * (10_000 + basisPoints)) / 10_000);
  const rawFloor = Math.ceil((referencePriceVnd * (10_000 - basisPoints)) / 10_000);
  const ceilingTick = tickSize(exchange, rawCeiling);
  const floorTick = tickSize(exchange, rawFloor);
  let ceiling = Math.floor(rawCeiling / ceilingTick) * ceilingTick;
  let floor = Math.ceil(rawFloor / floorTick) * floorTick;
  if (exchange === "HOSE") {
    const referenceTick = tickSize(exchange, referencePriceVnd);
    if (ceiling <= referencePriceVnd) ceiling = referencePriceVnd + referenceTick;
    if (floor >= referencePriceVnd) floor = referencePriceVnd - referenceTick;
  }
  return { reference: referencePriceVnd, floor, ceiling };
}
