import { type ServiceName, ServiceUnavailableError } from "./service-unavailable-error.ts";

/** The URLs a process was configured with: which service an address belongs to. */
export interface ServiceUrls {
  readonly redisUrl: string;
  readonly databaseUrl: string;
  /** The variable `databaseUrl` came from, named in the fix; default DATABASE_URL. */
  readonly databaseVariable?: string;
}

/** Socket error codes that mean nothing usable answered at an address. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
]);

/** What ioredis and BullMQ throw once a connection has given up or is down (no address in them). */
const REDIS_CONNECTION_MESSAGES =
  /Connection is closed|Stream isn't writeable|max retries per request|MaxRetriesPerRequest/i;

/** pg's own words for a connection that did not open in time or dropped while opening. */
const POSTGRES_TIMEOUT_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i;
const POSTGRES_DROPPED_MESSAGES = /Connection terminated unexpectedly/i;

interface ErrorFields {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly severity?: unknown;
  readonly port?: unknown;
  readonly address?: unknown;
  readonly hostname?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

function endpointOf(url: string, defaultPort: number): { host: string; port: number } | null {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port || defaultPort) };
  } catch {
    return null;
  }
}

/** The error, its causes and the members of an AggregateError (Node's dual-stack connect), depth first. */
function* errorChain(error: unknown, depth = 0): Generator<ErrorFields> {
  if (error === null || typeof error !== "object" || depth > 8) return;
  const fields = error as ErrorFields;
  yield fields;
  if (Array.isArray(fields.errors)) for (const member of fields.errors) yield* errorChain(member, depth + 1);
  yield* errorChain(fields.cause, depth + 1);
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The first word of a Redis refusal and what it means, e.g. "WRONGPASS: wrong user name or password". */
function redisAuthDetail(message: string): string | null {
  if (/\bWRONGPASS\b/.test(message)) return "WRONGPASS: wrong user name or password";
  if (/\bNOAUTH\b/.test(message)) return "NOAUTH: the server requires a password";
  if (/\bERR invalid password\b/i.test(message)) return "invalid password";
  return null;
}

/**
 * Which configured service a socket error is about, by the port it names (and the host when both
 * services share a port). Null when it matches neither.
 */
function serviceOfSocketError(fields: ErrorFields, urls: ServiceUrls): ServiceName | null {
  const redis = endpointOf(urls.redisUrl, 6379);
  const postgres = endpointOf(urls.databaseUrl, 5432);
  const port = typeof fields.port === "number" ? fields.port : null;
  const host = text(fields.address) || text(fields.hostname);
  const matches = (endpoint: { host: string; port: number } | null): boolean => {
    if (endpoint === null) return false;
    // No port (ENOTFOUND, EAI_AGAIN): the host name is all there is.
    if (port === null) return host !== "" && host === endpoint.host;
    if (port !== endpoint.port) return false;
    // Both services on one port (different hosts): only the host tells them apart.
    return redis?.port !== postgres?.port || host === "" || host === endpoint.host;
  };
  if (matches(postgres)) return "postgres";
  if (matches(redis)) return "redis";
  return null;
}

/**
 * Turns an error from a Redis or PostgreSQL client into a {@link ServiceUnavailableError} when it
 * says that the service cannot be used (unreachable, timed out, credentials refused, database
 * missing, starting up); null for anything else (a failing query, a bug). Looks through `cause`
 * chains, so a wrapped error (a migration's) is recognised too. `lastRedisError` is what the Redis
 * connections last reported: it names the reason when the error itself only says "Connection is
 * closed.".
 */
export function classifyServiceError(
  error: unknown,
  urls: ServiceUrls,
  lastRedisError?: unknown,
): ServiceUnavailableError | null {
  for (const fields of errorChain(error)) {
    if (fields instanceof ServiceUnavailableError) {
      // A time-out says less than the error the connection gave up on (refused, WRONGPASS...).
      if (fields.service === "redis" && fields.failure === "timeout" && lastRedisError !== undefined) {
        const reason = classifyServiceError(lastRedisError, urls);
        if (reason?.service === "redis") return reason;
      }
      return fields;
    }
    const message = text(fields.message);
    const code = text(fields.code);
    const authDetail = redisAuthDetail(message);
    if (authDetail !== null) {
      return new ServiceUnavailableError({
        service: "redis",
        failure: "authentication",
        url: urls.redisUrl,
        detail: authDetail,
        cause: error,
      });
    }
    // A PostgreSQL server error: a SQLSTATE and a severity.
    if (typeof fields.severity === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      const failure = code.startsWith("28")
        ? "authentication"
        : code === "3D000"
          ? "missing-database"
          : code === "57P03"
            ? "starting"
            : null;
      if (failure !== null) {
        return new ServiceUnavailableError({
          service: "postgres",
          failure,
          url: urls.databaseUrl,
          ...(urls.databaseVariable === undefined ? {} : { variable: urls.databaseVariable }),
          detail: `${code}: ${message}`,
          cause: error,
        });
      }
    }
    if (POSTGRES_TIMEOUT_MESSAGES.test(message) || POSTGRES_DROPPED_MESSAGES.test(message)) {
      const timeout = POSTGRES_TIMEOUT_MESSAGES.test(message);
      return new ServiceUnavailableError({
        service: "postgres",
        failure: timeout ? "timeout" : "unreachable",
        url: urls.databaseUrl,
        ...(urls.databaseVariable === undefined ? {} : { variable: urls.databaseVariable }),
        detail: timeout ? "no answer in time" : "connection dropped",
        cause: error,
      });
    }
    if (UNREACHABLE_CODES.has(code)) {
      // ioredis's own connect time-out is the one socket error without an address.
      const service =
        serviceOfSocketError(fields, urls) ??
        (message === "connect ETIMEDOUT" && fields.port === undefined ? "redis" : null);
      if (service !== null) {
        return new ServiceUnavailableError({
          service,
          failure: code === "ETIMEDOUT" ? "timeout" : "unreachable",
          url: service === "redis" ? urls.redisUrl : urls.databaseUrl,
          ...(service === "postgres" && urls.databaseVariable !== undefined
            ? { variable: urls.databaseVariable }
            : {}),
          detail: code,
          cause: error,
        });
      }
    }
    if (REDIS_CONNECTION_MESSAGES.test(message)) {
      const reason =
        lastRedisError === undefined || lastRedisError === error
          ? null
          : classifyServiceError(lastRedisError, urls);
      if (reason?.service === "redis") return reason;
      return new ServiceUnavailableError({
        service: "redis",
        failure: "unreachable",
        url: urls.redisUrl,
        detail: "connection closed",
        cause: error,
      });
    }
  }
  return null;
}
