import type { Exchange } from "./exchange.ts";

/**
 * Price steps (vn-market.md §3), in VND. HOSE: below 10,000 → 10; 10,000–49,950 → 50;
 * 50,000 and above → 100. HNX and UPCOM: 100 (put-through deals: 1).
 */
export const HOSE_TICK_STEPS = [
  { below: 10_000, tick: 10 },
  { below: 50_000, tick: 50 },
  { below: Number.POSITIVE_INFINITY, tick: 100 },
] as const;

/** HNX/UPCOM order-book tick in VND. */
export const HNX_UPCOM_TICK = 100;

/** Put-through (negotiated) deals on HNX/UPCOM trade in 1 VND steps. */
export const PUT_THROUGH_TICK = 1;

export interface TickSizeOptions {
  /** A put-through deal (HNX/UPCOM: 1 VND). Default false. */
  readonly putThrough?: boolean;
}

/**
 * Tick size in VND for an order at `priceVnd`.
 *
 * @example
 * tickSize("HOSE", 9_990);   // 10
 * tickSize("HOSE", 49_950);  // 50
 * tickSize("HOSE", 103_400); // 100
 * tickSize("HNX", 9_900);    // 100
 */
export function tickSize(exchange: Exchange, priceVnd: number, options: TickSizeOptions = {}): number {
  if (exchange === "HOSE") {
    for (const step of HOSE_TICK_STEPS) if (priceVnd < step.below) return step.tick;
    return 100;
  }
  return options.putThrough === true ? PUT_THROUGH_TICK : HNX_UPCOM_TICK;
}

/** How {@link roundToTick} rounds a price that is not on a tick. */
export type TickRounding = "down" | "up" | "nearest";

/**
 * Rounds a VND price to a valid tick of its own price level.
 *
 * @example
 * roundToTick("HOSE", 10_735, "down"); // 10_700
 * roundToTick("HOSE", 10_735, "up");   // 10_750
 */
export function roundToTick(
  exchange: Exchange,
  priceVnd: number,
  rounding: TickRounding = "nearest",
): number {
  const tick = tickSize(exchange, priceVnd);
  const steps = priceVnd / tick;
  const rounded =
    rounding === "down" ? Math.floor(steps) : rounding === "up" ? Math.ceil(steps) : Math.round(steps);
  return rounded * tick;
}

/**
 * True when `priceVnd` is a multiple of its tick.
 *
 * @example
 * isOnTick("HOSE", 10_750); // true
 * isOnTick("HOSE", 10_740); // false
 */
export function isOnTick(exchange: Exchange, priceVnd: number): boolean {
  return priceVnd % tickSize(exchange, priceVnd) === 0;
}
