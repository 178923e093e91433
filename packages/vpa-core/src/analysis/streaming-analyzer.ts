import type { Bar } from "../bar.ts";
import type { SignalRecord, VpaRecord } from "../vpa-record.ts";
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
  /**
   * The signals `bar` would give if it were the next closed bar, without consuming it (the state
   * is unchanged): what a provisional evaluation of a forming bar reads (vpa-signals.md §10).
   * No confirmations. Same signals as `update(bar)` would return for the same bar. O(1).
   */
  preview(bar: Bar): SignalRecord[];
  /** §2's volume average of the last N consumed bars: the next bar's `vr` denominator. */
  readonly averageVolume: number;
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

  preview(bar: Bar): SignalRecord[] {
    const out: VpaRecord[] = [];
    this.engine.preview(bar.time, bar.high, bar.low, bar.close, bar.volume, out);
    return out as SignalRecord[];
  }

  get averageVolume(): number {
    return this.engine.averageVolume;
  }
}

/**
 * Starts a streaming analysis for one symbol. Feed only final bars to `update`: an unfinished
 * intraday bar would be consumed as final; `preview` evaluates one without consuming it.
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
