import type { Bias, SignalType } from "../signal-type.ts";
import type { ProvisionalRecord } from "./provisional-record.ts";

/**
 * What live subscribers hear about a provisional signal (vpa-signals.md §10):
 * - `provisional`: a signal showing on a forming bar (at most once per symbol, timeframe, bar and type);
 * - at the bar's close, once for each type alerted provisionally: `held` when the closed bar has the
 *   same signal (its ordinary, final alert follows through the scan path), else `did-not-hold`.
 * `timeframe` is the stream's (`1m`, `5m`, `15m`, `30m`, `1h`).
 */
export type ProvisionalAlertEvent =
  | { readonly kind: "provisional"; readonly timeframe: string; readonly record: ProvisionalRecord }
  | {
      readonly kind: "held" | "did-not-hold";
      readonly timeframe: string;
      readonly symbol: string;
      readonly barTime: string;
      readonly type: SignalType;
      readonly bias: Bias;
      /** The provisional alert's score: the follow-up goes to whoever that alert went to. */
      readonly score: number;
    };
