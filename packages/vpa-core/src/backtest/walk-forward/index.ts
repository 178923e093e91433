/** Walk-forward analysis: window arithmetic, the choice of parameters, the stitched out-of-sample curve. */
export type { CandidateMetrics, OptimizeMetric } from "./choose-parameters.ts";
export { chooseBestCandidate, OPTIMIZE_METRICS } from "./choose-parameters.ts";
export type { WalkForwardResult, WalkForwardTraining } from "./run-walk-forward.ts";
export { runWalkForward, trainWalkForwardWindow } from "./run-walk-forward.ts";
export type {
  OutOfSampleSegment,
  OutOfSampleWindowResult,
  WalkForwardOutOfSample,
} from "./stitch-out-of-sample.ts";
export { runOutOfSample } from "./stitch-out-of-sample.ts";
export type { WalkForwardLengths, WalkForwardWindow } from "./walk-forward-windows.ts";
export { addCalendarMonths, planWalkForwardWindows } from "./walk-forward-windows.ts";
