import type { BarFeatures } from "../analysis/bar-features.ts";
import type { SignalType } from "../signal-type.ts";
import { scoreAbsorption } from "./absorption.ts";
import { scoreBuyingClimax } from "./buying-climax.ts";
import { scoreEffortToFall } from "./effort-to-fall.ts";
import { scoreEffortToRise } from "./effort-to-rise.ts";
import { scoreNoDemand } from "./no-demand.ts";
import { scoreNoSupply } from "./no-supply.ts";
import { scoreSellingClimax } from "./selling-climax.ts";
import { scoreSpring } from "./spring.ts";
import { scoreStoppingVolume } from "./stopping-volume.ts";
import { scoreTest } from "./test-signal.ts";
import { scoreUpthrust } from "./upthrust.ts";

/** Integer score 0..100 of a signal whose gate holds at this bar (vpa-signals.md §4). */
export function scoreSignal(type: SignalType, f: BarFeatures): number {
  switch (type) {
    case "SELLING_CLIMAX":
      return scoreSellingClimax(f);
    case "BUYING_CLIMAX":
      return scoreBuyingClimax(f);
    case "SPRING":
      return scoreSpring(f);
    case "UPTHRUST":
      return scoreUpthrust(f);
    case "STOPPING_VOLUME":
      return scoreStoppingVolume(f);
    case "EFFORT_TO_RISE":
      return scoreEffortToRise(f);
    case "EFFORT_TO_FALL":
      return scoreEffortToFall(f);
    case "NO_DEMAND":
      return scoreNoDemand(f);
    case "NO_SUPPLY":
      return scoreNoSupply(f);
    case "TEST":
      return scoreTest(f);
    case "ABSORPTION":
      return scoreAbsorption(f);
  }
}
