export const servicesErrorCodes = [
  /** Nothing answers at the URL and vpa cannot start or install a server for it. */
  "SERVICES_UNAVAILABLE",
  /** Something that is not the expected server listens on the URL's port. */
  "SERVICES_PORT_IN_USE",
  /** The server answered but refused us (authentication, permissions). */
  "SERVICES_REJECTED",
  /** A private server was started but did not come up in time, or its start command failed. */
  "SERVICES_START_FAILED",
  /** A private server did not stop. */
  "SERVICES_STOP_FAILED",
  /** apt-get failed. */
  "SERVICES_INSTALL_FAILED",
  /** The data directory cannot be used (ownership, permissions). */
  "SERVICES_PERMISSION_DENIED",
  /** The state file disagrees with the configuration (e.g. a private server runs on another port). */
  "SERVICES_STATE_CONFLICT",
  /** Another `vpa services` command holds the lock on the data directory. */
  "SERVICES_BUSY",
  /** REDIS_URL or DATABASE_URL cannot be parsed. */
  "SERVICES_INVALID_URL",
  /** A program the test suite needs (chromium, promtool, ...) is not installed and vpa cannot install it. */
  "SERVICES_TOOL_MISSING",
] as const;
export type ServicesErrorCode = (typeof servicesErrorCodes)[number];

/** Every failure of the services manager; `code` is stable, `message` is meant for the user. */
export class ServicesError extends Error {
  readonly code: ServicesErrorCode;

  constructor(code: ServicesErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ServicesError";
    this.code = code;
  }
}
