import { ServicesError } from "./services-error.ts";

export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export type PostgresSslMode = "disable" | "prefer" | "require" | "verify-full";

export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  sslMode: PostgresSslMode;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** True for hosts where vpa may start a private server itself (never for a remote address). */
export function isLoopbackHost(host: string): boolean {
  return loopbackHosts.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The address a private server binds to for a loopback host. */
export function bindAddressFor(host: string): string {
  return host === "::1" || host === "[::1]" ? "::1" : "127.0.0.1";
}

/** The URL with its password replaced, safe for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<invalid url>";
  }
}

function parseUrl(url: string, protocols: readonly string[], variable: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ServicesError("SERVICES_INVALID_URL", `${variable} is not a valid URL: ${redactUrl(url)}`, {
      cause: error,
    });
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ServicesError(
      "SERVICES_INVALID_URL",
      `${variable} must start with ${protocols.map((p) => `${p}//`).join(" or ")}, got ${redactUrl(url)}`,
    );
  }
  if (parsed.hostname === "") {
    throw new ServicesError("SERVICES_INVALID_URL", `${variable} has no host: ${redactUrl(url)}`);
  }
  return parsed;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

export function parseRedisUrl(url: string): RedisEndpoint {
  const parsed = parseUrl(url, ["redis:"], "REDIS_URL");
  const endpoint: RedisEndpoint = {
    host: stripBrackets(parsed.hostname),
    port: parsed.port === "" ? 6379 : Number(parsed.port),
  };
  if (parsed.username !== "") endpoint.username = decodeURIComponent(parsed.username);
  if (parsed.password !== "") endpoint.password = decodeURIComponent(parsed.password);
  return endpoint;
}

/** The URL ioredis connects to for an endpoint (credentials encoded, IPv6 in brackets). */
export function redisUrlFor(endpoint: RedisEndpoint): string {
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const username = endpoint.username === undefined ? "" : encodeURIComponent(endpoint.username);
  const credentials =
    endpoint.password === undefined ? "" : `${username}:${encodeURIComponent(endpoint.password)}@`;
  return `redis://${credentials}${host}:${endpoint.port}`;
}

export function parsePostgresUrl(url: string): PostgresEndpoint {
  const parsed = parseUrl(url, ["postgres:", "postgresql:"], "DATABASE_URL");
  // libpq defaults: user "postgres" here (the superuser a fresh cluster has), database = user.
  const user = parsed.username === "" ? "postgres" : decodeURIComponent(parsed.username);
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  const endpoint: PostgresEndpoint = {
    host: stripBrackets(parsed.hostname),
    port: parsed.port === "" ? 5432 : Number(parsed.port),
    user,
    database: path === "" ? user : path,
    sslMode: parseSslMode(parsed.searchParams.get("sslmode"), parsed.searchParams.get("ssl")),
  };
  if (parsed.password !== "") endpoint.password = decodeURIComponent(parsed.password);
  if (endpoint.database.includes("\0") || endpoint.user.includes("\0")) {
    throw new ServicesError("SERVICES_INVALID_URL", "DATABASE_URL contains a NUL character");
  }
  return endpoint;
}

function parseSslMode(sslMode: string | null, ssl: string | null): PostgresSslMode {
  switch (sslMode) {
    case "require":
      return "require";
    case "verify-ca":
    case "verify-full":
      return "verify-full";
    case "prefer":
      return "prefer";
    case "disable":
    case "allow":
      return "disable";
    default:
      return ssl === "true" || ssl === "1" ? "require" : "disable";
  }
}
