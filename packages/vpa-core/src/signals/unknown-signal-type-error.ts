/**
 * A signal type (or a variant of it) that the signal registry does not define: a record from
 * another version of the core (a newer scanner during a rolling deploy, say) or corrupt data.
 * Nothing invents a label or a rule for it.
 */
export class UnknownSignalTypeError extends Error {
  readonly code = "UNKNOWN_SIGNAL_TYPE";
  readonly signalType: string;
  /** The unknown variant of a known type, or `null` when the type itself is unknown. */
  readonly variant: string | null;

  constructor(signalType: string, variant: string | null = null) {
    super(
      variant === null
        ? `signal type ${JSON.stringify(signalType)} is not in the signal registry`
        : `signal type ${signalType} has no variant ${JSON.stringify(variant)} in the signal registry`,
    );
    this.name = "UnknownSignalTypeError";
    this.signalType = signalType;
    this.variant = variant;
  }
}
