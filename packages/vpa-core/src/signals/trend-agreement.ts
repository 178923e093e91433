import type { Trend } from "../trend.ts";
import type { DirectionalTrend } from "./signal-definition.ts";

/**
 * Score `context` (§4): 1.0 when the trend agrees with the signal, 0.85 when it is flat, else 0.7.
 * Each signal declares its agreeing trend in its definition (`agreeingTrend`).
 *
 * @example
 * trendContext("flat", "down"); // 0.85
 */
export function trendContext(trend: Trend, agreeing: DirectionalTrend): number {
  if (trend === agreeing) return 1;
  if (trend === "flat") return 0.85;
  return 0.7;
}
