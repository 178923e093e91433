/**
 * @vpa/core — Volume Price Analysis of OHLCV bars (docs/vpa-signals.md) and the rules of the
 * Vietnamese market (docs/vn-market.md). Pure: no I/O, clock, randomness or logging.
 *
 * Glossary: a **bar** is one OHLCV period; a **signal** is a VPA event read at a bar; a
 * **confirmation** is the verdict of the next bar on a signal, a separate record; a **record** is
 * either. **N** = 20 is the averaging window of the spec. The **signal registry**
 * (`SIGNAL_REGISTRY`) holds one definition per signal type: gate, score, bias, labels.
 *
 * @example
 * import { analyze, createStreamingAnalyzer, market } from "@vpa/core";
 * const records = analyze("FPT", bars);
 * market.priceBand("HOSE", 103_400); // { floor: 96_200, ceiling: 110_600, ... }
 */

export type { AlertPriority } from "./alert-priority.ts";
export { ALERT_PRIORITIES, alertPriority } from "./alert-priority.ts";
export { analyze, analyzeColumns } from "./analysis/analyze.ts";
export type { BarFeatures } from "./analysis/bar-features.ts";
export { closeLocation } from "./analysis/close-location.ts";
export { confirmationOutcome } from "./analysis/confirmation-outcome.ts";
export type { StreamingAnalyzer } from "./analysis/streaming-analyzer.ts";
export { createStreamingAnalyzer } from "./analysis/streaming-analyzer.ts";
export * from "./backtest/index.ts";
export type { Bar, BarColumns } from "./bar.ts";
export type { ExtremeKind } from "./indicators/rolling-extreme.ts";
export { RollingExtreme, rollingExtremeColumn } from "./indicators/rolling-extreme.ts";
export { RollingMean, rollingMeanColumn } from "./indicators/rolling-mean.ts";
export { WilderAtr, wilderAtrColumn } from "./indicators/wilder-atr.ts";
export * as market from "./market/index.ts";
export * from "./provisional/index.ts";
export type { Bias, SignalType, SignalVariant, SpringVariant } from "./signal-type.ts";
export { SIGNAL_TYPES } from "./signal-type.ts";
export { linearScore } from "./signals/linear-score.ts";
export type { SignalDefinition, SignalLanguage, SignalText } from "./signals/signal-definition.ts";
export type { AnySignalDefinition } from "./signals/signal-registry.ts";
export { findSignalDefinition, getSignalDefinition, SIGNAL_REGISTRY } from "./signals/signal-registry.ts";
export { UnknownSignalTypeError } from "./signals/unknown-signal-type-error.ts";
export * from "./track-record/index.ts";
export type { Trend } from "./trend.ts";
export { classifyTrend } from "./trend.ts";
export {
  ATR_PERIOD,
  AVERAGE_WINDOW,
  FULL_HISTORY_BARS,
  SMA_PERIOD,
  STOPPING_VOLUME_LOOKBACK,
  TREND_LOOKBACK,
  WARM_UP_BARS,
} from "./vpa-parameters.ts";
export type {
  ConfirmationOutcome,
  ConfirmationRecord,
  SignalFeatures,
  SignalRecord,
  VpaRecord,
} from "./vpa-record.ts";
