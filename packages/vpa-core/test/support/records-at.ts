import type { Bar, Bias, SignalRecord, VpaRecord } from "../../src/index.ts";
import { analyze } from "../../src/index.ts";

/** All records dated at the last bar. */
export function recordsAtLastBar(bars: readonly Bar[]): VpaRecord[] {
  const last = bars.at(-1);
  if (last === undefined) return [];
  return analyze("TST", bars).filter((r) => r.time === last.time);
}

/** The signal of `bias` at the last bar, if any. */
export function signalAtLastBar(bars: readonly Bar[], bias: Bias): SignalRecord | undefined {
  return recordsAtLastBar(bars).find((r): r is SignalRecord => r.kind === "signal" && r.bias === bias);
}

/** Type of the `bias` signal at the last bar, or null. */
export function signalTypeAtLastBar(bars: readonly Bar[], bias: Bias): string | null {
  return signalAtLastBar(bars, bias)?.type ?? null;
}
