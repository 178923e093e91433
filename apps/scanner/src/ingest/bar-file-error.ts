/** A bar file that cannot be read at all (missing, no header, wrong columns, not JSON): nothing of it is imported. */
export class BarFileError extends Error {
  readonly code = "BAR_FILE_INVALID";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BarFileError";
  }
}
