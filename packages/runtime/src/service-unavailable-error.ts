/**
 * The services a process depends on, and why one may be unusable. Glossary:
 * - unreachable: nothing answered (refused, no such host, connection dropped);
 * - timeout: no answer within the time allowed;
 * - authentication: the server answered and refused the credentials (Redis NOAUTH/WRONGPASS,
 *   PostgreSQL SQLSTATE class 28);
 * - missing-database: PostgreSQL answered, but the database in the URL does not exist (3D000);
 * - starting: PostgreSQL answered that it is still starting up (57P03).
 */
export const SERVICE_NAMES = ["redis", "postgres"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SERVICE_FAILURES = [
  "unreachable",
  "timeout",
  "authentication",
  "missing-database",
  "starting",
] as const;
export type ServiceFailure = (typeof SERVICE_FAILURES)[number];

const LABEL: Record<ServiceName, string> = { redis: "Redis", postgres: "PostgreSQL" };
const VARIABLE: Record<ServiceName, string> = { redis: "REDIS_URL", postgres: "DATABASE_URL" };

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparseable URL)";
  }
}

function remedy(service: ServiceName, failure: ServiceFailure, variable: string): string {
  switch (failure) {
    case "unreachable":
    case "timeout":
      return `start it with ./vpa services up, or set ${variable}`;
    case "authentication":
      return service === "redis"
        ? `put the right password in ${variable} (redis://:PASSWORD@host:port)`
        : `set the right user and password in ${variable}`;
    case "missing-database":
      return `create it with ./vpa services up, or set ${variable}`;
    case "starting":
      return "try again in a moment";
  }
}

function headline(service: ServiceName, failure: ServiceFailure, url: string, database: string): string {
  const label = LABEL[service];
  switch (failure) {
    case "unreachable":
    case "timeout":
      return `cannot reach ${label} at ${url}`;
    case "authentication":
      return `${label} at ${url}: authentication failed`;
    case "missing-database":
      return `${label} at ${url}: database "${database}" does not exist`;
    case "starting":
      return `${label} at ${url} is starting up`;
  }
}

/**
 * Redis or PostgreSQL cannot be used. Its message is one line a user can act on: the service, the
 * URL (password masked), what went wrong, and the fix, e.g.
 * `cannot reach Redis at redis://:***@127.0.0.1:6390 (ECONNREFUSED) — start it with ./vpa services up, or set REDIS_URL`.
 */
export class ServiceUnavailableError extends Error {
  readonly code: "REDIS_UNAVAILABLE" | "POSTGRES_UNAVAILABLE";
  readonly service: ServiceName;
  readonly failure: ServiceFailure;
  /** The service URL, password masked. */
  readonly url: string;

  constructor(options: {
    service: ServiceName;
    failure: ServiceFailure;
    /** The configured URL; only its redacted form is kept. */
    url: string;
    /** The short reason in brackets, e.g. "ECONNREFUSED" or the server's refusal. */
    detail: string;
    /** The variable the fix names; default REDIS_URL or DATABASE_URL (DATABASE_READ_URL: the read replica). */
    variable?: string;
    cause?: unknown;
  }) {
    const url = redactUrl(options.url);
    let database = "";
    try {
      database = decodeURIComponent(new URL(options.url).pathname.slice(1));
    } catch {}
    const { service, failure } = options;
    super(
      `${headline(service, failure, url, database)} (${options.detail}) — ${remedy(service, failure, options.variable ?? VARIABLE[service])}`,
      {
        cause: options.cause,
      },
    );
    this.name = "ServiceUnavailableError";
    this.code = service === "redis" ? "REDIS_UNAVAILABLE" : "POSTGRES_UNAVAILABLE";
    this.service = service;
    this.failure = failure;
    this.url = url;
  }
}
