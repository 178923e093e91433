/** Exit codes of the `vpa` command. */
export const EXIT = {
  ok: 0,
  failure: 1,
  /** Bad command line or configuration: nothing was done. */
  usage: 2,
  /** `vpa import`: valid rows stored, some rows rejected (see the report). */
  rowsRejected: 3,
  /** `vpa import`: nothing could be imported. */
  nothingImported: 4,
} as const;

/** A mistake in the command line; printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  readonly code = "USAGE";
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
