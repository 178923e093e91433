import type { SignalInput } from "@vpa/db";

/**
 * A stored signal for tests: a bullish HIGH selling climax (score 80) on `time`, closing at
 * `close` (thousand VND, or index points for a future) on `volume`; `overrides` for the rest.
 *
 * @example
 * await insertSignals(db, stockId, "1D", [highSignalInput("2024-01-02", 1_250, 1_000_000)]);
 */
export function highSignalInput(
  time: string,
  close: number,
  volume: number,
  overrides: Partial<SignalInput> = {},
): SignalInput {
  return {
    time,
    type: "SELLING_CLIMAX",
    bias: "bull",
    score: 80,
    confidence: 0.65,
    priority: "HIGH",
    variant: null,
    features: { vr: 2.8, sr: 1.9, cl: 0.7, trend: "down" },
    close,
    volume,
    priceChange: 0.01,
    ...overrides,
  };
}
