import { hasLowerVolumeThanPreviousTwo, isUpBar } from "../analysis/bar-features.ts";
import { linearScore } from "./linear-score.ts";
import { quietVolumeScore } from "./quiet-volume-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * NO_DEMAND (bear): a narrow up bar on volume below the two previous bars, not closing high.
 * Gate: up bar; `sr < 0.7`; `lowVs2`; `cl < 2/3`; trend not `down`.
 * Score: sv volume / min(previous two) 1.0 → 0.5; ss sr 0.7 → 0.3; sc cl 2/3 → 0; agreeing trend `up`.
 *
 * @example
 * // flat trend, close 100.25 after 100, spread 1 (sr 0.5), volume 600 after 1000/800, cl 0.5 → NO_DEMAND
 */
export const noDemandSignal = defineSignal({
  type: "NO_DEMAND",
  bias: "bear",
  agreeingTrend: "up",
  gate: (f) =>
    isUpBar(f) && f.sr < 0.7 && hasLowerVolumeThanPreviousTwo(f) && f.cl < 2 / 3 && f.trend !== "down",
  gateRatios: { vr: false, sr: true },
  prefilter: { kind: "lower-volume-than-previous-two" },
  volumeScore: quietVolumeScore,
  spreadScore: (f) => linearScore(f.sr, 0.7, 0.3),
  closeScore: (f) => linearScore(f.cl, 2 / 3, 0),
  variant: null,
  label: { en: "No demand", vi: "Không có cầu" },
  explanation: {
    en: "A narrow up bar on less volume than the two bars before: buyers are not interested, the rise is weak",
    vi: "Nến tăng biên độ hẹp, khối lượng thấp hơn hai phiên trước: bên mua không mặn mà, đà tăng yếu",
  },
});
