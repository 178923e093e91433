import { createDatabase, type DatabaseHandle, type DatabaseOptions } from "./create-database.ts";

/**
 * The read replica's pool (DATABASE_READ_URL), for the read-only paths: the HTTP API's reads,
 * `vpa signals`, `vpa study`. Writes, and reads that must see a write just made (the alert
 * ledger's claim before a send, the scan's own reads, migrations), always use the primary's pool
 * (`createDatabase`): a replica answers from a past moment (its replication lag, docs/deploy.md).
 *
 * ```ts
 * const primary = createDatabase({ url: config.databaseUrl });
 * const read = config.databaseReadUrl === null ? primary : createReadDatabase({ url: config.databaseReadUrl });
 * const signals = await listSignals(read.db, { limit: 50 }); // may lag the primary by a moment
 * ```
 */
export function createReadDatabase(options: DatabaseOptions): DatabaseHandle {
  return createDatabase({
    applicationName: "vpa-read",
    ...options,
    describeConnectError: (error) => new ReadDatabaseUnavailableError(error),
  });
}

/**
 * The read replica did not open a connection (refused, timed out, credentials, no such
 * database). Its `cause` is the driver's error; the CLI turns it into the one-line message that
 * names DATABASE_READ_URL rather than DATABASE_URL, since both may point at the same host.
 */
export class ReadDatabaseUnavailableError extends Error {
  readonly code = "READ_DATABASE_UNAVAILABLE";
  constructor(cause: unknown) {
    super(
      `the read database (DATABASE_READ_URL) did not connect: ${(cause as Error)?.message ?? String(cause)}`,
      {
        cause,
      },
    );
    this.name = "ReadDatabaseUnavailableError";
  }
}

/** The {@link ReadDatabaseUnavailableError} in an error's `cause` chain, if any. */
export function readDatabaseFailureOf(error: unknown): ReadDatabaseUnavailableError | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof ReadDatabaseUnavailableError) return current;
    current = current.cause;
  }
  return null;
}
