import type { Bar } from "../bar.ts";
import type { VpaRecord } from "../vpa-record.ts";
import { VpaEngine } from "./vpa-engine.ts";

/**
 * Incremental analysis of one symbol: feed closed bars one at a time, oldest first. O(1) work per
 * bar, O(N) state; the records are identical to {@link analyze} over the same bars.
 */
export interface StreamingAnalyzer {
  readonly symbol: string;
  /** Number of bars consumed so far (the index the next bar will get). */
  readonly barCount: number;
  /**
   * Consumes the next bar and returns the records dated at it: confirmations of the previous bar's
   * signals first, then its own signals (bull, then bear). Often empty.
   */
  update(bar: Bar): VpaRecord[];
}

class EngineStreamingAnalyzer implements StreamingAnalyzer {
  readonly symbol: string;
  private readonly engine: VpaEngine;

  constructor(symbol: string) {
    this.symbol = symbol;
    this.engine = new VpaEngine(symbol);
  }

  get barCount(): number {
    return this.engine.barCount;
  }

  update(bar: Bar): VpaRecord[] {
    const out: VpaRecord[] = [];
    this.engine.step(bar.time, bar.high, bar.low, bar.close, bar.volume, out);
    return out;
  }
}

/**
 * Starts a streaming analysis for one symbol. Feed only final bars: an unfinished intraday bar
 * would be consumed as final (a provisional evaluation needs a fresh analyzer replayed to that point).
 *
 * @example
 * const analyzer = createStreamingAnalyzer("VCB");
 * for (const bar of history) analyzer.update(bar);   // warm up with the stored history
 * const records = analyzer.update(todaysBar);         // then one call per closed bar
 * for (const r of records) if (r.kind === "signal" && r.priority === "HIGH") notify(r);
 */
export function createStreamingAnalyzer(symbol: string): StreamingAnalyzer {
  return new EngineStreamingAnalyzer(symbol);
}
