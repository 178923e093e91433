import {
  connectPostgres,
  NotPostgresError,
  PostgresServerError,
  type PostgresSession,
  quoteIdentifier,
  quoteLiteral,
} from "./postgres-wire-client.ts";
import type { ProbeResult } from "./probe-result.ts";
import type { PostgresEndpoint } from "./service-url.ts";
import { describeError, isNothingListeningError } from "./tcp-connect.ts";

/** SQLSTATE codes this module acts on. */
const sqlState = {
  invalidCatalogName: "3D000",
  cannotConnectNow: "57P03",
  duplicateDatabase: "42P04",
} as const;

export function classifyPostgresError(error: unknown): ProbeResult {
  const detail = describeError(error);
  if (isNothingListeningError(error)) return { listener: "none", detail };
  if (error instanceof PostgresServerError) {
    if (error.code === sqlState.cannotConnectNow) return { listener: "starting", detail };
    return { listener: "rejected", detail: `${detail} (SQLSTATE ${error.code})` };
  }
  if (error instanceof NotPostgresError)
    return { listener: "foreign", detail: `not a PostgreSQL server (${detail})` };
  return { listener: "foreign", detail };
}

/** Connects to the server's maintenance database (`postgres`, else `template1`) as the URL's user. */
async function connectMaintenance(endpoint: PostgresEndpoint, timeoutMs: number): Promise<PostgresSession> {
  try {
    return await connectPostgres({ ...endpoint, database: "postgres" }, timeoutMs);
  } catch (error) {
    if (error instanceof PostgresServerError && error.code === sqlState.invalidCatalogName) {
      return await connectPostgres({ ...endpoint, database: "template1" }, timeoutMs);
    }
    throw error;
  }
}

/** Is a PostgreSQL server there, and does it accept the URL's user? Ignores the URL's database. */
export async function probePostgresServer(
  endpoint: PostgresEndpoint,
  timeoutMs: number,
): Promise<ProbeResult> {
  try {
    const session = await connectMaintenance(endpoint, timeoutMs);
    session.close();
    return { listener: "ready", detail: "server accepts connections" };
  } catch (error) {
    return classifyPostgresError(error);
  }
}

/** Can the URL itself be used: server up, user accepted, database present? */
export async function probePostgresDatabase(
  endpoint: PostgresEndpoint,
  timeoutMs: number,
): Promise<ProbeResult> {
  try {
    const session = await connectPostgres(endpoint, timeoutMs);
    session.close();
    return { listener: "ready", detail: `database "${endpoint.database}" accepts connections` };
  } catch (error) {
    return classifyPostgresError(error);
  }
}

/** Creates the URL's database unless it exists. Returns whether it created it. */
export async function ensurePostgresDatabase(
  endpoint: PostgresEndpoint,
  timeoutMs: number,
): Promise<boolean> {
  const session = await connectMaintenance(endpoint, timeoutMs);
  try {
    const existing = await session.query(
      `SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(endpoint.database)}`,
    );
    if (existing.rows.length > 0) return false;
    try {
      await session.query(`CREATE DATABASE ${quoteIdentifier(endpoint.database)}`);
      return true;
    } catch (error) {
      // Another process created it between our check and our CREATE: the goal is met.
      if (error instanceof PostgresServerError && error.code === sqlState.duplicateDatabase) return false;
      throw error;
    }
  } finally {
    session.close();
  }
}
