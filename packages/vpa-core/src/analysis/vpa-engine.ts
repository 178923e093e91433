import { alertPriority } from "../alert-priority.ts";
import { RollingExtreme } from "../indicators/rolling-extreme.ts";
import { RollingMean } from "../indicators/rolling-mean.ts";
import { WilderAtr } from "../indicators/wilder-atr.ts";
import type { Bias, SignalType } from "../signal-type.ts";
import { scoreSignal } from "../signals/score-signal.ts";
import { agreeingTrendOf } from "../signals/signal-definition.ts";
import type { AnySignalDefinition } from "../signals/signal-registry.ts";
import { signalSelector } from "../signals/signal-registry.ts";
import { testSignal } from "../signals/test-signal.ts";
import type { Trend } from "../trend.ts";
import { classifyTrend } from "../trend.ts";
import {
  ATR_PERIOD,
  AVERAGE_WINDOW,
  FULL_HISTORY_BARS,
  SMA_PERIOD,
  TREND_LOOKBACK,
  WARM_UP_BARS,
} from "../vpa-parameters.ts";
import type { ConfirmationRecord, SignalRecord, VpaRecord } from "../vpa-record.ts";
import type { BarFeatures } from "./bar-features.ts";
import { closeLocation } from "./close-location.ts";
import { confirmationOutcome } from "./confirmation-outcome.ts";
import { mayMatchAnyGate } from "./gate-prefilter.ts";
import { roundToDecimals } from "./round-to-decimals.ts";
import { CONFIRMATION_BONUS_HUNDREDTHS, signalConfidenceHundredths } from "./signal-confidence.ts";

/** Far enough in the past that `index >= t - 20` is false; a small integer keeps V8 on the fast path. */
const NEVER = -1_000_000;

/**
 * The per-bar scratch the rules read, overwritten each bar (no allocation). One instance is shared
 * by all engines of the process: it is filled and read within one synchronous `evaluate` call and
 * never escapes it, so sharing is safe and saves ~250 bytes of state per symbol.
 */
class BarFeatureScratch implements BarFeatures {
  index = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  spread = 0;
  previousClose = 0;
  previousHigh = 0;
  previousLow = 0;
  previousVolume = 0;
  volumeTwoBarsBack = 0;
  averageVolume = 0;
  averageSpread = 0;
  vr = 0;
  sr = 0;
  cl = 0;
  degenerate = false;
  atr = 0;
  trend: Trend = "flat";
  support = 0;
  resistance = 0;
  recentLow = 0;
  recentBullSetup = false;
}

const scratch = new BarFeatureScratch();

/**
 * The single per-bar kernel behind both modes: {@link analyze}/{@link analyzeColumns} loop it over
 * a series, the streaming analyzer calls it once per update. One kernel is what makes "two modes,
 * one answer" true by construction (the tests check it anyway, on real data).
 *
 * State is O(N): ring buffers of 20 volumes and spreads, two 20-bar monotonic deques, 10 closes,
 * 11 SMA values and a few scalars. Work is O(1) per bar (amortised for the deques).
 *
 * Order of the records dated at one bar (documented choice): first the confirmations of the
 * previous bar's signals (bull, then bear), then this bar's signals (bull, then bear). A
 * confirmation closes out an older event, so it comes first; the order is the same in both modes.
 */
export class VpaEngine {
  readonly symbol: string;
  private index = 0;

  private readonly volumeMean = new RollingMean(AVERAGE_WINDOW);
  private readonly spreadMean = new RollingMean(AVERAGE_WINDOW);
  private readonly supportLow = new RollingExtreme(AVERAGE_WINDOW, "min");
  private readonly resistanceHigh = new RollingExtreme(AVERAGE_WINDOW, "max");
  // low[t-1] .. low[t-4] for STOPPING_VOLUME: four scalars beat a deque for a window this small.
  private low1 = Number.NaN;
  private low2 = Number.NaN;
  private low3 = Number.NaN;
  private low4 = Number.NaN;
  private readonly atr = new WilderAtr(ATR_PERIOD);
  private readonly closeMean = new RollingMean(SMA_PERIOD);
  /** sma10 of the last TREND_LOOKBACK + 1 bars; slot `smaSlot` holds sma10[t-11] before bar t is pushed. */
  private readonly smaHistory = new Float64Array(TREND_LOOKBACK + 1).fill(Number.NaN);
  private smaSlot = 0;
  private previousSma = Number.NaN;

  private previousClose = Number.NaN;
  private previousHigh = Number.NaN;
  private previousLow = Number.NaN;
  private previousVolume = Number.NaN;
  private volumeTwoBarsBack = Number.NaN;
  private lastZeroVolumeIndex = NEVER;

  private lastBullSignalIndex = NEVER;
  private lastBearSignalIndex = NEVER;
  /** Last bull signal other than TEST: TEST's precondition. */
  private lastBullSetupIndex = NEVER;

  // The signals of the previous bar, waiting for their confirmation (§6). Scalars, not objects.
  private pendingBullType: SignalType | null = null;
  private pendingBullTime = "";
  private pendingBullConfidence = 0;
  private pendingBullClose = 0;
  private pendingBullLow = 0;
  private pendingBullHigh = 0;
  private pendingBearType: SignalType | null = null;
  private pendingBearTime = "";
  private pendingBearConfidence = 0;
  private pendingBearClose = 0;
  private pendingBearLow = 0;
  private pendingBearHigh = 0;

  constructor(symbol: string) {
    this.symbol = symbol;
  }

  /** Number of bars consumed. */
  get barCount(): number {
    return this.index;
  }

  /**
   * Consumes bar t (the open is not read by any rule) and appends the records dated at it to `out`.
   * Everything read for bar t comes from the state before bar t is pushed, plus bar t itself.
   */
  step(time: string, high: number, low: number, close: number, volume: number, out: VpaRecord[]): void {
    const t = this.index;

    if (this.pendingBullType !== null) {
      this.confirm("bull", time, close, out);
      this.pendingBullType = null;
    }
    if (this.pendingBearType !== null) {
      this.confirm("bear", time, close, out);
      this.pendingBearType = null;
    }

    if (t >= WARM_UP_BARS) {
      this.evaluate(t, time, high, low, close, volume, this.volumeMean.mean(), this.spreadMean.mean(), out);
    }

    this.push(t, high, low, close, volume);
  }

  /**
   * The signals bar t would give if it closed as (high, low, close, volume), WITHOUT consuming it:
   * the state is exactly as before the call (vpa-signals.md §10, provisional signals). No
   * confirmations: those of the previous bar's signals are read at the close. O(1).
   */
  preview(time: string, high: number, low: number, close: number, volume: number, out: VpaRecord[]): void {
    const t = this.index;
    if (t < WARM_UP_BARS) return;
    // evaluate() writes only these fields (the signal memory and the pending confirmations).
    const lastBull = this.lastBullSignalIndex;
    const lastBear = this.lastBearSignalIndex;
    const lastBullSetup = this.lastBullSetupIndex;
    const bullType = this.pendingBullType;
    const bullTime = this.pendingBullTime;
    const bullConfidence = this.pendingBullConfidence;
    const bullClose = this.pendingBullClose;
    const bullLow = this.pendingBullLow;
    const bullHigh = this.pendingBullHigh;
    const bearType = this.pendingBearType;
    const bearTime = this.pendingBearTime;
    const bearConfidence = this.pendingBearConfidence;
    const bearClose = this.pendingBearClose;
    const bearLow = this.pendingBearLow;
    const bearHigh = this.pendingBearHigh;
    this.evaluate(t, time, high, low, close, volume, this.volumeMean.mean(), this.spreadMean.mean(), out);
    this.lastBullSignalIndex = lastBull;
    this.lastBearSignalIndex = lastBear;
    this.lastBullSetupIndex = lastBullSetup;
    this.pendingBullType = bullType;
    this.pendingBullTime = bullTime;
    this.pendingBullConfidence = bullConfidence;
    this.pendingBullClose = bullClose;
    this.pendingBullLow = bullLow;
    this.pendingBullHigh = bullHigh;
    this.pendingBearType = bearType;
    this.pendingBearTime = bearTime;
    this.pendingBearConfidence = bearConfidence;
    this.pendingBearClose = bearClose;
    this.pendingBearLow = bearLow;
    this.pendingBearHigh = bearHigh;
  }

  /** §2's volume average of the last N consumed bars (the next bar's `vr` denominator); NaN before any. */
  get averageVolume(): number {
    return this.volumeMean.mean();
  }

  private evaluate(
    t: number,
    time: string,
    high: number,
    low: number,
    close: number,
    volume: number,
    averageVolume: number,
    averageSpread: number,
    out: VpaRecord[],
  ): void {
    // §2 v1.1, zero averages: a zero average leaves its ratio undefined, held as NaN. Every
    // comparison with NaN is false, so a gate that tests the ratio cannot hold (gates are written
    // as `vr >= a` / `sr < b`, never negated), and linearScore(NaN) = 0, so a score term built on
    // it counts 0. Nothing else is switched off: a gate that reads neither ratio still fires.
    const vr = averageVolume > 0 ? volume / averageVolume : Number.NaN;
    const lowerVolumeThanPreviousTwo = volume < this.previousVolume && volume < this.volumeTwoBarsBack;
    const support = this.supportLow.value();
    const resistance = this.resistanceHigh.value();
    if (!mayMatchAnyGate(vr, lowerVolumeThanPreviousTwo, low, support, high, resistance)) return;

    const f = scratch;
    const spread = high - low;
    f.index = t;
    f.high = high;
    f.low = low;
    f.close = close;
    f.volume = volume;
    f.spread = spread;
    f.previousClose = this.previousClose;
    f.previousHigh = this.previousHigh;
    f.previousLow = this.previousLow;
    f.previousVolume = this.previousVolume;
    f.volumeTwoBarsBack = this.volumeTwoBarsBack;
    f.averageVolume = averageVolume;
    f.averageSpread = averageSpread;
    f.vr = vr;
    f.sr = averageSpread > 0 ? spread / averageSpread : Number.NaN;
    f.cl = closeLocation(high, low, close);
    f.degenerate = !(spread > 0);
    const atr = this.atr.value();
    f.atr = atr;
    f.trend = classifyTrend(this.previousSma - this.smaHistory[this.smaSlot]!, atr);
    f.support = support;
    f.resistance = resistance;
    f.recentLow = Math.min(this.low1, this.low2, this.low3, this.low4);
    f.recentBullSetup = this.lastBullSetupIndex >= t - AVERAGE_WINDOW;

    const bull = signalSelector("bull", f.trend)(f);
    const bear = signalSelector("bear", f.trend)(f);
    if (bull === null && bear === null) return;

    // −0.2 when the series has fewer than 3N bars before t, or a zero volume among the prior N bars.
    const thinHistory = t < FULL_HISTORY_BARS || this.lastZeroVolumeIndex >= t - AVERAGE_WINDOW;
    if (bull !== null) {
      const confidence = signalConfidenceHundredths(
        this.lastBullSignalIndex >= t - AVERAGE_WINDOW,
        f.trend === agreeingTrendOf(bull, "bull"),
        thinHistory,
      );
      out.push(this.signalRecord(time, bull, "bull", confidence));
      this.lastBullSignalIndex = t;
      // TEST's precondition (`recentBullSetup`) is a bull signal other than TEST itself.
      if (bull !== testSignal) this.lastBullSetupIndex = t;
      this.pendingBullType = bull.type;
      this.pendingBullTime = time;
      this.pendingBullConfidence = confidence;
      this.pendingBullClose = close;
      this.pendingBullLow = low;
      this.pendingBullHigh = high;
    }
    if (bear !== null) {
      const confidence = signalConfidenceHundredths(
        this.lastBearSignalIndex >= t - AVERAGE_WINDOW,
        f.trend === agreeingTrendOf(bear, "bear"),
        thinHistory,
      );
      out.push(this.signalRecord(time, bear, "bear", confidence));
      this.lastBearSignalIndex = t;
      this.pendingBearType = bear.type;
      this.pendingBearTime = time;
      this.pendingBearConfidence = confidence;
      this.pendingBearClose = close;
      this.pendingBearLow = low;
      this.pendingBearHigh = high;
    }
  }

  private signalRecord(
    time: string,
    definition: AnySignalDefinition,
    bias: Bias,
    confidenceHundredths: number,
  ): SignalRecord {
    const f = scratch;
    const score = scoreSignal(definition, bias, f);
    const confidence = confidenceHundredths / 100;
    return {
      kind: "signal",
      symbol: this.symbol,
      time,
      type: definition.type,
      bias,
      score,
      confidence,
      priority: alertPriority(score, confidence),
      variant: definition.variant === null ? null : definition.variant.classify(f),
      features: {
        vr: roundToDecimals(f.vr, 4),
        sr: roundToDecimals(f.sr, 4),
        cl: roundToDecimals(f.cl, 4),
        trend: f.trend,
        degenerate: f.degenerate,
      },
      close: f.close,
      volume: f.volume,
      // A non-positive previous close cannot come from validated prices; 0 keeps the field finite.
      priceChange: f.previousClose > 0 ? roundToDecimals(f.close / f.previousClose - 1, 6) : 0,
    };
  }

  private confirm(bias: Bias, time: string, close: number, out: VpaRecord[]): void {
    const isBull = bias === "bull";
    const type = (isBull ? this.pendingBullType : this.pendingBearType)!;
    const outcome = isBull
      ? confirmationOutcome(bias, close, this.pendingBullClose, this.pendingBullLow, this.pendingBullHigh)
      : confirmationOutcome(bias, close, this.pendingBearClose, this.pendingBearLow, this.pendingBearHigh);
    if (outcome === null) return;
    const signalConfidence = isBull ? this.pendingBullConfidence : this.pendingBearConfidence;
    const record: ConfirmationRecord = {
      kind: "confirmation",
      symbol: this.symbol,
      time,
      refTime: isBull ? this.pendingBullTime : this.pendingBearTime,
      type,
      bias,
      outcome,
      confidence: outcome === "confirmed" ? (signalConfidence + CONFIRMATION_BONUS_HUNDREDTHS) / 100 : 0,
    };
    out.push(record);
  }

  private push(t: number, high: number, low: number, close: number, volume: number): void {
    this.volumeMean.push(volume);
    this.spreadMean.push(high - low);
    this.supportLow.push(low);
    this.resistanceHigh.push(high);
    this.low4 = this.low3;
    this.low3 = this.low2;
    this.low2 = this.low1;
    this.low1 = low;
    this.atr.push(high, low, close);
    this.closeMean.push(close);
    const sma = this.closeMean.isFull ? this.closeMean.mean() : Number.NaN;
    this.smaHistory[this.smaSlot] = sma;
    this.smaSlot = this.smaSlot === TREND_LOOKBACK ? 0 : this.smaSlot + 1;
    this.previousSma = sma;
    if (volume === 0) this.lastZeroVolumeIndex = t;
    this.volumeTwoBarsBack = this.previousVolume;
    this.previousVolume = volume;
    this.previousClose = close;
    this.previousHigh = high;
    this.previousLow = low;
    this.index = t + 1;
  }
}
