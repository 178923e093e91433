import { Kysely, PostgresDialect, type PostgresPool } from "kysely";
import pg from "pg";
import type { Database } from "./schema.ts";

export interface DatabaseOptions {
  /** postgres://user:pass@host:port/database */
  readonly url: string;
  /** Pool size. Default 10 (pg's own default). */
  readonly maxConnections?: number;
  /** Give up connecting after this long. Default 5,000 ms (pg's default is to wait forever). */
  readonly connectionTimeoutMs?: number;
  /** Server-side cap on any one statement. Default 30,000 ms. */
  readonly statementTimeoutMs?: number;
  /** Server-side cap on an idle open transaction. Default 60,000 ms. */
  readonly idleInTransactionTimeoutMs?: number;
  /** Shows in pg_stat_activity. Default "vpa". */
  readonly applicationName?: string;
  /** Called on errors of idle pooled clients (the server went away); they are not thrown anywhere else. */
  readonly onPoolError?: (error: Error) => void;
  /**
   * What a failure to open a connection is thrown as: the read replica's pool wraps it so that the
   * caller can tell which of two servers did not answer (create-read-database.ts). Default: as is.
   */
  readonly describeConnectError?: (error: unknown) => Error;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  /** Closes the pool; waits for checked-out clients to be released. */
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * bigint (ids, volumes) and numeric (confidence) arrive as strings by default. Every such value in
 * this schema fits a double exactly (volumes < 2^53, confidence has two decimals), so parse them.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * Opens a pooled, typed connection to PostgreSQL with time-outs on everything.
 *
 * ```ts
 * const { db, close } = createDatabase({ url: config.databaseUrl });
 * const stocks = await db.selectFrom("stocks").selectAll().execute();
 * await close();
 * ```
 */
export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    application_name: options.applicationName ?? "vpa",
    types: typeParsers,
  });
  pool.on("error", (error) => options.onPoolError?.(error));
  // pg-pool listens for errors of idle clients only. A client checked out when the server goes
  // away (PostgreSQL stopped or restarted: 57P01, or the connection dropped) emits 'error' too,
  // after failing its query; with no listener that crashes the process. The query's own rejection
  // carries the error to the caller; this listener only keeps the process alive.
  pool.on("connect", (client) => {
    client.on("error", (error) => options.onPoolError?.(error));
    discardOnFatalError(client);
  });
  const describe = options.describeConnectError;
  const dialectPool: PostgresPool =
    describe === undefined
      ? pool
      : {
          connect: () =>
            pool.connect().catch((error: unknown) => {
              throw describe(error);
            }),
          end: () => pool.end(),
          // What kysely uses to cancel a running query (a control connection like the pool's).
          Client: (pool as unknown as { Client: PostgresPool["Client"] }).Client,
          options: pool.options,
        };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: dialectPool }) });
  return {
    db,
    pool,
    close: () => db.destroy(),
  };
}

/**
 * A server that terminates a backend (57P01 when PostgreSQL stops, 57P02 on a crash, 08xxx
 * connection failures) sends the error to the running query first and closes the socket after. In
 * between, the failed query's caller releases the client to the pool, which still takes it for
 * healthy and hands it to the next query, which then fails too. Marking the client unqueryable as
 * the error arrives makes the pool drop it on release (pg-pool checks the same `_queryable` flag
 * that pg itself clears a moment later).
 */
function discardOnFatalError(client: pg.PoolClient): void {
  const internals = client as unknown as {
    connection?: { on(event: "errorMessage", listener: (message: { code?: string }) => void): void };
    _queryable?: boolean;
  };
  internals.connection?.on("errorMessage", (message) => {
    if (message.code !== undefined && /^(57P0[1-3]|08)/.test(message.code)) internals._queryable = false;
  });
}
