import type { BarFeatures } from "../analysis/bar-features.ts";
import type { Bias } from "../signal-type.ts";
import { signalScore } from "./linear-score.ts";
import type { SignalDefinition } from "./signal-definition.ts";
import { agreeingTrendOf } from "./signal-definition.ts";
import { trendContext } from "./trend-agreement.ts";

/**
 * Integer score 0..100 of a signal whose gate holds at this bar (vpa-signals.md §4): the
 * definition's three terms, weighted by the context of its agreeing trend for `bias`.
 *
 * @example
 * scoreSignal(sellingClimaxSignal, "bull", f); // 46 for the bar in selling-climax.test.ts
 */
export function scoreSignal(definition: SignalDefinition, bias: Bias, f: BarFeatures): number {
  return signalScore(
    trendContext(f.trend, agreeingTrendOf(definition, bias)),
    definition.volumeScore(f),
    definition.spreadScore(f),
    definition.closeScore(f),
  );
}
