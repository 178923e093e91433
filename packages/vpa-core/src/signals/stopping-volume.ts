import { linearScore } from "./linear-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * STOPPING_VOLUME (bull): heavy volume at a fresh short-term low in a downtrend, closing off the low.
 * Gate: trend `down`; `low <= min(low[t-4 .. t-1])`; `vr >= 1.5`; `cl >= 0.4`.
 * Score: sv vr 1.5 → 3.5; ss sr 0.7 → 2.0; sc cl 0.4 → 1.0; agreeing trend `down`.
 *
 * @example
 * // trend down, recent low 99, bar low 99, vr 1.5, cl 0.5 → STOPPING_VOLUME
 */
export const stoppingVolumeSignal = defineSignal({
  type: "STOPPING_VOLUME",
  bias: "bull",
  agreeingTrend: "down",
  gate: (f) => f.trend === "down" && f.low <= f.recentLow && f.vr >= 1.5 && f.cl >= 0.4,
  gateRatios: { vr: true, sr: false },
  prefilter: { kind: "volume-ratio-at-least", value: 1.5 },
  volumeScore: (f) => linearScore(f.vr, 1.5, 3.5),
  spreadScore: (f) => linearScore(f.sr, 0.7, 2.0),
  closeScore: (f) => linearScore(f.cl, 0.4, 1.0),
  variant: null,
  label: { en: "Stopping volume", vi: "Khối lượng chặn đà giảm" },
  explanation: {
    en: "Heavy volume at a new short-term low in a downtrend, closing off the low: buyers are stepping in",
    vi: "Khối lượng lớn tại đáy ngắn hạn mới trong xu hướng giảm, đóng cửa khỏi đáy: bên mua bắt đầu đỡ giá",
  },
});
