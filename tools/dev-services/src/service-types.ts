/**
 * Glossary
 * - service: one backing server the workers need, `redis` or `postgres`.
 * - external: a server that answered at the configured URL and that vpa did not start. vpa uses it
 *   and never stops it.
 * - private: a server vpa started from local binaries under the project data directory, recorded in
 *   `<dataDir>/services.json`. Only these are stopped by `servicesDown`.
 * - absent: nothing usable answers at the URL and no private instance is recorded as running.
 * - state file: `<dataDir>/services.json`, what vpa started (name, pid, port, data directory, start time).
 */

export const serviceNames = ["redis", "postgres"] as const;
export type ServiceName = (typeof serviceNames)[number];

export const serviceOrigins = ["external", "private", "absent"] as const;
export type ServiceOrigin = (typeof serviceOrigins)[number];

export interface ServicesOptions {
  /** Project data directory, e.g. `<repo>/.vpa`. Private service data lives under it. */
  dataDir: string;
  /** e.g. `redis://127.0.0.1:6379`; a password in the URL is also set on a private Redis. */
  redisUrl: string;
  /** e.g. `postgres://postgres@127.0.0.1:5432/vpa`; the database is created when missing. */
  databaseUrl: string;
  /**
   * Default `true`: when running as root on Debian/Ubuntu (apt-get present) and a server binary is
   * missing, install it with apt-get. Set `false` to never install anything.
   */
  allowInstall?: boolean;
  /** One line per decision. Default: discard. URLs are logged with their password redacted. */
  log?: (line: string) => void;
  /** Per connect attempt, in milliseconds. Default 1500. */
  connectTimeoutMs?: number;
  /** How long a private server may take to answer after being started, in milliseconds. Default 30000. */
  startTimeoutMs?: number;
}

export interface ServiceStatus {
  name: ServiceName;
  /** The configured URL, password redacted. */
  url: string;
  /** The URL answers and is usable (for postgres: the database in the URL exists). */
  reachable: boolean;
  origin: ServiceOrigin;
  /** Process id of a private server. */
  pid?: number;
  /** Data directory of a private server. */
  dataDir?: string;
  /** Human-readable explanation, e.g. why it is not reachable. */
  detail?: string;
}
