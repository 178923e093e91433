/** A stream message that cannot be decoded; the client counts it and carries on. */
export class InvalidStreamMessageError extends Error {
  readonly code = "INVALID_STREAM_MESSAGE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidStreamMessageError";
  }
}
