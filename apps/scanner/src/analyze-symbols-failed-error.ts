/** One symbol of an analyze job that could not be analysed, and why. */
export interface SymbolFailure {
  readonly symbol: string;
  /** The error's `code` (e.g. UNKNOWN_SYMBOL), or its name when it has none. */
  readonly code: string;
  readonly message: string;
}

/**
 * Some symbols of an analyze job's chunk failed; the others' signals were stored and alerted
 * before this was thrown (per-symbol isolation). The job fails so the failure shows where a failed
 * job shows (`vpa scan --wait`, `vpa status`, a re-scan redoes it); redoing the chunk stores
 * nothing twice and alerts nobody twice.
 */
export class AnalyzeSymbolsFailedError extends Error {
  readonly code = "ANALYZE_SYMBOLS_FAILED";
  readonly failures: readonly SymbolFailure[];
  constructor(failures: readonly SymbolFailure[], chunkSize: number, cause: unknown) {
    const listed = failures.map((f) => `${f.symbol} (${f.code}: ${f.message})`).join("; ");
    super(`${failures.length} of ${chunkSize} symbols failed, the others were stored: ${listed}`);
    this.name = "AnalyzeSymbolsFailedError";
    this.failures = failures;
    this.cause = cause;
  }
}
