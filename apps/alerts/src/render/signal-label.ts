/**
 * Human-readable names for the signal types of `docs/vpa-signals.md` §3.
 *
 * Unknown types (a newer core than this renderer) are not an error: `NEW_TYPE` becomes "New type",
 * so an alert is never lost because its label is missing here.
 */

const SIGNAL_TYPE_LABELS: Readonly<Record<string, string>> = {
  SELLING_CLIMAX: "Selling climax",
  BUYING_CLIMAX: "Buying climax",
  SPRING: "Spring",
  UPTHRUST: "Upthrust",
  STOPPING_VOLUME: "Stopping volume",
  EFFORT_TO_RISE: "Effort to rise",
  EFFORT_TO_FALL: "Effort to fall",
  NO_DEMAND: "No demand",
  NO_SUPPLY: "No supply",
  TEST: "Test",
  ABSORPTION: "Absorption",
};

/**
 * Label for a signal type and its variant (only `SPRING` has one in v1: `spring` or `shakeout`).
 * A variant that merely repeats the type ("Spring"/"spring") is not shown twice.
 *
 * @example
 * describeSignalType("SELLING_CLIMAX", null); // "Selling climax"
 * describeSignalType("SPRING", "shakeout");   // "Spring – shakeout"
 * describeSignalType("SPRING", "spring");     // "Spring"
 */
export function describeSignalType(signalType: string, variant: string | null): string {
  const label = SIGNAL_TYPE_LABELS[signalType] ?? humanizeIdentifier(signalType);
  if (variant === null || variant.trim() === "" || variant.trim().toLowerCase() === label.toLowerCase()) {
    return label;
  }
  return `${label} – ${variant.trim()}`;
}

function humanizeIdentifier(identifier: string): string {
  const words = identifier
    .trim()
    .replace(/[_\s]+/g, " ")
    .toLowerCase();
  if (words === "") return "Signal";
  return words.charAt(0).toUpperCase() + words.slice(1);
}
