/**
 * The fixed windows of vpa-signals.md (v1.1). Gate and score thresholds live next to their rule in
 * `signals/`, where a reader compares them with the spec table line by line.
 */

/** N: the averaging window of `vr` and `sr`, the support/resistance window and the "recent signal" window. */
export const AVERAGE_WINDOW = 20;

/** No signal before bar index 2N = 40 (counting from 0). */
export const WARM_UP_BARS = 2 * AVERAGE_WINDOW;

/** A signal at t < 3N = 60 has a short history: confidence −0.2. */
export const FULL_HISTORY_BARS = 3 * AVERAGE_WINDOW;

/** Wilder ATR period. */
export const ATR_PERIOD = 14;

/** SMA of closes used by the trend. */
export const SMA_PERIOD = 10;

/** The trend compares sma10[t-1] with sma10[t-1-TREND_LOOKBACK] = sma10[t-11]. */
export const TREND_LOOKBACK = 10;

/** STOPPING_VOLUME compares low[t] with min(low[t-4 .. t-1]). */
export const STOPPING_VOLUME_LOOKBACK = 4;
