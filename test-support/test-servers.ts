/**
 * The one Redis and the one PostgreSQL server every integration test shares: REDIS_URL's and
 * DATABASE_URL's, or the local defaults (`./vpa test` starts them).
 */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** The PostgreSQL server tests use; its path names the database admin work connects to. */
export const TEST_SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** `serverUrl` with its database replaced. */
export function urlWithDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The maintenance database of the server: where databases are created, cloned and dropped from. */
export function adminDatabaseUrl(serverUrl: string = TEST_SERVER_URL): string {
  return urlWithDatabase(serverUrl, "postgres");
}
