import { linearScore } from "./linear-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * ABSORPTION: effort without result — high volume (`vr >= 1.5`) on a narrow bar (`sr < 0.7`).
 * Bull in a `down` trend (selling absorbed), bear in an `up` trend (buying absorbed), never in a
 * `flat` trend: the bias follows from the trend, so the trend always agrees (context 1.0).
 * Score: sv vr 1.5 → 3.5; ss sr 0.7 → 0.3; sc |cl − 0.5| 0.5 → 0 (a middle close is best).
 *
 * @example
 * // trend down, vr 2, sr 0.5 → bull ABSORPTION
 */
export const absorptionSignal = defineSignal({
  type: "ABSORPTION",
  bias: { down: "bull", up: "bear", flat: null },
  agreeingTrend: { bull: "down", bear: "up" },
  gate: (f) => f.vr >= 1.5 && f.sr < 0.7 && f.trend !== "flat",
  gateRatios: { vr: true, sr: true },
  prefilter: { kind: "volume-ratio-at-least", value: 1.5 },
  volumeScore: (f) => linearScore(f.vr, 1.5, 3.5),
  spreadScore: (f) => linearScore(f.sr, 0.7, 0.3),
  closeScore: (f) => linearScore(Math.abs(f.cl - 0.5), 0.5, 0),
  variant: null,
  label: { en: "Absorption", vi: "Hấp thụ" },
  explanation: {
    en: "Heavy volume on a narrow bar: much effort, little result; the other side is absorbing the orders",
    vi: "Khối lượng lớn nhưng biên độ hẹp: nỗ lực nhiều, kết quả ít; phía đối diện đang hấp thụ hết lệnh",
  },
});
