import { linearScore } from "./linear-score.ts";
import { defineSignal } from "./signal-definition.ts";

/**
 * SPRING (bull): a dip under support that closes back inside the range, high in the bar.
 * Gate: `low < 20-bar low`; `close >= 20-bar low`; `cl >= 0.6`; trend not `up`. It tests neither
 * ratio, so it still fires when the volume or spread average is 0 (v1.1).
 *
 * Variant: `shakeout` on high volume (`vr >= 1.5`), else a quiet `spring`. An undefined `vr` (v1.1,
 * zero volume average) is not `>= 1.5`: the variant is `spring`.
 *
 * Score: sv shakeout vr 1.5 → 3.0, spring vr 1.0 → 0.5 (a quiet spring is better); ss the
 * penetration `(support − low) / atr` 0 → 1 ATR; sc cl 0.6 → 1.0; agreeing trend `down`.
 * With `vr` undefined sv counts 0 on either scale — also on the quiet spring's, where a lower vr
 * would score higher: a term built on an undefined ratio counts 0.
 *
 * `atr` is the spec's feature (ATR14 at t−1). If it is 0 the spec's ratio is undefined; we read a
 * penetration of a range that had no true range at all as maximal (ss = 1). Since v1.1 this is
 * reachable: a series that never moved (every bar high = low at one price) has ATR 0, and a SPRING
 * no longer needs a non-zero spread average.
 *
 * @example
 * // support 99, bar low 98, close 100.5, high 101 (cl 0.83), trend flat → SPRING
 */
export const springSignal = defineSignal({
  type: "SPRING",
  bias: "bull",
  agreeingTrend: "down",
  gate: (f) => f.low < f.support && f.close >= f.support && f.cl >= 0.6 && f.trend !== "up",
  gateRatios: { vr: false, sr: false },
  prefilter: { kind: "low-below-support" },
  volumeScore: (f) => (f.vr >= 1.5 ? linearScore(f.vr, 1.5, 3.0) : linearScore(f.vr, 1.0, 0.5)),
  spreadScore: (f) => (f.atr > 0 ? linearScore((f.support - f.low) / f.atr, 0, 1) : 1),
  closeScore: (f) => linearScore(f.cl, 0.6, 1.0),
  variant: {
    classify: (f) => (f.vr >= 1.5 ? "shakeout" : "spring"),
    labels: {
      spring: { en: "spring", vi: "cú lò xo" },
      shakeout: { en: "shakeout", vi: "rũ bỏ" },
    },
  },
  label: { en: "Spring", vi: "Cú lò xo" },
  explanation: {
    en: "Price dips under the 20-bar support and closes back above it, near the high: sellers were absorbed",
    vi: "Giá thủng hỗ trợ 20 phiên rồi đóng cửa trở lại trên đó, gần đỉnh nến: lực bán đã bị hấp thụ",
  },
});
