import type { Bias, SignalType } from "../signal-type.ts";
import type { Trend } from "../trend.ts";

/**
 * The trend in which a signal reads as intended (vpa-signals.md §4): `down` for
 * SELLING_CLIMAX, SPRING, STOPPING_VOLUME, EFFORT_TO_FALL, NO_SUPPLY, TEST and bullish
 * ABSORPTION; `up` for BUYING_CLIMAX, UPTHRUST, EFFORT_TO_RISE, NO_DEMAND and bearish ABSORPTION.
 *
 * @example
 * agreeingTrend("EFFORT_TO_FALL", "bear"); // "down"
 * agreeingTrend("ABSORPTION", "bear");     // "up"
 */
export function agreeingTrend(type: SignalType, bias: Bias): "up" | "down" {
  switch (type) {
    case "SELLING_CLIMAX":
    case "SPRING":
    case "STOPPING_VOLUME":
    case "EFFORT_TO_FALL":
    case "NO_SUPPLY":
    case "TEST":
      return "down";
    case "BUYING_CLIMAX":
    case "UPTHRUST":
    case "EFFORT_TO_RISE":
    case "NO_DEMAND":
      return "up";
    case "ABSORPTION":
      return bias === "bull" ? "down" : "up";
  }
}

/**
 * Score `context` (§4): 1.0 when the trend agrees with the signal, 0.85 when it is flat, else 0.7.
 *
 * @example
 * trendContext("flat", "down"); // 0.85
 */
export function trendContext(trend: Trend, agreeing: "up" | "down"): number {
  if (trend === agreeing) return 1;
  if (trend === "flat") return 0.85;
  return 0.7;
}
