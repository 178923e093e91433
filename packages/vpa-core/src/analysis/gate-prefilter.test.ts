import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/generated-series.ts";
import { randomFeatures } from "../../test/support/random-features.ts";
import { SIGNAL_REGISTRY } from "../signals/signal-registry.ts";
import { hasLowerVolumeThanPreviousTwo } from "./bar-features.ts";
import { mayMatchAnyGate, meetsPrefilterCondition } from "./gate-prefilter.ts";

describe("mayMatchAnyGate", () => {
  it("never skips a bar on which some gate holds (200,000 random feature sets, biased to the thresholds, some with vr or sr undefined)", () => {
    const next = seededRandom(42);
    let skipped = 0;
    let matched = 0;
    for (let i = 0; i < 200_000; i++) {
      const f = randomFeatures(next);
      const prefilter = mayMatchAnyGate(
        f.vr,
        hasLowerVolumeThanPreviousTwo(f),
        f.low,
        f.support,
        f.high,
        f.resistance,
      );
      // It is exactly the union of the registry's declared conditions ...
      const declared = SIGNAL_REGISTRY.some((definition) => meetsPrefilterCondition(definition.prefilter, f));
      if (prefilter !== declared)
        throw new Error(`prefilter ${prefilter}, declared ${declared}: ${JSON.stringify(f)}`);
      // ... and no gate holds where it says no.
      const anyGate = SIGNAL_REGISTRY.some((definition) => definition.gate(f));
      if (!prefilter) skipped++;
      if (anyGate) matched++;
      if (anyGate && !prefilter) throw new Error(`prefilter skipped a matching bar: ${JSON.stringify(f)}`);
    }
    // The sample exercises both sides.
    expect(skipped).toBeGreaterThan(1_000);
    expect(matched).toBeGreaterThan(1_000);
  });
});
