import pg from "pg";
import type { ProbeResult } from "./probe-result.ts";
import type { PostgresEndpoint } from "./service-url.ts";
import { connectTcp, describeError, isNothingListeningError } from "./tcp-connect.ts";

/** SQLSTATE codes this module acts on. */
const sqlState = {
  invalidCatalogName: "3D000",
  cannotConnectNow: "57P03",
  duplicateDatabase: "42P04",
} as const;

/** A server error from PostgreSQL carries a five-character SQLSTATE; pg's own errors do not. */
function sqlStateOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * What answered: nothing (refused, unreachable, TCP time-out), a PostgreSQL server still starting,
 * one that refused us (auth, missing database), or something else on the port (it accepted TCP
 * but did not speak the protocol).
 */
export function classifyPostgresError(error: unknown): ProbeResult {
  const detail = describeError(error);
  if (isNothingListeningError(error)) return { listener: "none", detail };
  const code = sqlStateOf(error);
  if (code === sqlState.cannotConnectNow) return { listener: "starting", detail };
  if (code !== null) return { listener: "rejected", detail: `${detail} (SQLSTATE ${code})` };
  return { listener: "foreign", detail: `not a PostgreSQL server (${detail})` };
}

function sslOption(endpoint: PostgresEndpoint): pg.ClientConfig["ssl"] {
  switch (endpoint.sslMode) {
    case "disable":
    case "prefer": // pg has no "prefer": plain first is what a local server wants
      return false;
    case "require":
      return { rejectUnauthorized: false };
    case "verify-full":
      return { rejectUnauthorized: true };
  }
}

/**
 * A connected client, or the error that says why not. A TCP connect comes first so that "nothing
 * listening" is told apart from "something listening that is not PostgreSQL" (pg reports both as
 * a failed connect).
 */
async function connect(endpoint: PostgresEndpoint, database: string, timeoutMs: number): Promise<pg.Client> {
  const socket = await connectTcp(endpoint.host, endpoint.port, timeoutMs);
  socket.destroy();
  const client = new pg.Client({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    database,
    ssl: sslOption(endpoint),
    connectionTimeoutMillis: timeoutMs,
    application_name: "vpa-services",
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

/** Connects to the server's maintenance database (`postgres`, else `template1`) as the URL's user. */
async function connectMaintenance(endpoint: PostgresEndpoint, timeoutMs: number): Promise<pg.Client> {
  try {
    return await connect(endpoint, "postgres", timeoutMs);
  } catch (error) {
    if (sqlStateOf(error) === sqlState.invalidCatalogName)
      return await connect(endpoint, "template1", timeoutMs);
    throw error;
  }
}

/** Is a PostgreSQL server there, and does it accept the URL's user? Ignores the URL's database. */
export async function probePostgresServer(
  endpoint: PostgresEndpoint,
  timeoutMs: number,
): Promise<ProbeResult> {
  try {
    const client = await connectMaintenance(endpoint, timeoutMs);
    await client.end();
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
    const client = await connect(endpoint, endpoint.database, timeoutMs);
    await client.end();
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
  const client = await connectMaintenance(endpoint, timeoutMs);
  try {
    const existing = await client.query("select 1 from pg_database where datname = $1", [endpoint.database]);
    if (existing.rows.length > 0) return false;
    try {
      await client.query(`create database ${client.escapeIdentifier(endpoint.database)}`);
      return true;
    } catch (error) {
      // Another process created it between our check and our CREATE: the goal is met.
      if (sqlStateOf(error) === sqlState.duplicateDatabase) return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}
