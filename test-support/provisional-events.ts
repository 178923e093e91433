import type { ProvisionalAlertEvent } from "@vpa/core";

/**
 * A provisional signal's follow-up for tests: the VN30F1M 1-minute bar of 10:07 on 2023-11-20,
 * whose provisional bullish Effort to rise (score 71) did not hold at the close; spread it with
 * `kind: "held"` or another type for the others.
 */
export const DID_NOT_HOLD_EVENT = {
  kind: "did-not-hold",
  timeframe: "1m",
  symbol: "VN30F1M",
  barTime: "2023-11-20T10:07:00+07:00",
  type: "EFFORT_TO_RISE",
  bias: "bull",
  score: 71,
} as const satisfies ProvisionalAlertEvent;
