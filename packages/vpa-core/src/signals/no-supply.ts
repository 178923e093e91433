import { hasLowerVolumeThanPreviousTwo, isDownBar } from "../analysis/bar-features.ts";
import { linearScore } from "./linear-score.ts";
import { quietVolumeScore } from "./quiet-volume-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * NO_SUPPLY (bull): a narrow down bar on volume below the two previous bars, not closing low.
 * Gate: down bar; `sr < 0.7`; `lowVs2`; `cl > 1/3`; trend not `up`.
 * Score: sv volume / min(previous two) 1.0 → 0.5; ss sr 0.7 → 0.3; sc cl 1/3 → 1; agreeing trend `down`.
 *
 * @example
 * // flat trend, close 99.75 after 100, spread 1 (sr 0.5), volume 600 after 1000/800, cl 0.5 → NO_SUPPLY
 */
export const noSupplySignal = defineSignal({
  type: "NO_SUPPLY",
  bias: "bull",
  agreeingTrend: "down",
  gate: (f) =>
    isDownBar(f) && f.sr < 0.7 && hasLowerVolumeThanPreviousTwo(f) && f.cl > 1 / 3 && f.trend !== "up",
  gateRatios: { vr: false, sr: true },
  prefilter: { kind: "lower-volume-than-previous-two" },
  volumeScore: quietVolumeScore,
  spreadScore: (f) => linearScore(f.sr, 0.7, 0.3),
  closeScore: (f) => linearScore(f.cl, 1 / 3, 1),
  variant: null,
  label: { en: "No supply", vi: "Không có cung" },
  explanation: {
    en: "A narrow down bar on less volume than the two bars before: few sellers left, the fall is weak",
    vi: "Nến giảm biên độ hẹp, khối lượng thấp hơn hai phiên trước: bên bán còn ít, đà giảm yếu",
  },
});
