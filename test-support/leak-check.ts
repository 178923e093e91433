import { Redis } from "ioredis";
import pg from "pg";
import type { RecordedDatabase, RecordedPrefix, TestResources } from "./test-resources.ts";
import { adminDatabaseUrl } from "./test-servers.ts";

/**
 * What a test file left on the shared servers, found by asking the servers (not by trusting that
 * cleanup code ran): Redis keys under its queue prefixes (with the job schedulers and the
 * rate-limiter keys named on their own), BullMQ workers and queue-event listeners still connected
 * under them, and its databases still present.
 *
 * Workers are found as BullMQ's `queue.getWorkers()` finds them: by the connection name BullMQ
 * gives them (`CLIENT SETNAME <prefix>:<base64 queue name>[:w:<worker name>]`); one `CLIENT LIST`
 * covers every queue of every prefix, and opening no Queue keeps the check from writing the keys
 * it looks for (a Queue writes its `meta` hash when it opens).
 */
export type LeakKind = "worker" | "job-scheduler" | "rate-limiter-keys" | "redis-keys" | "database";

export interface Leak {
  readonly kind: LeakKind;
  /** What is left, e.g. `job scheduler "scan-daily" of queue "scan" under vpa-test-0a1b2c3d`. */
  readonly what: string;
  /** The test line that created the prefix or database (test-resources.ts creationSite). */
  readonly site: string;
}

export interface LeakCheckOptions {
  /**
   * How long to wait for connected workers to go: a worker process sent SIGTERM in a `finally`
   * may still be closing when the file's last hook returns. Default 3,000 ms.
   */
  readonly workerGraceMs?: number;
  /** The PostgreSQL server the databases were made on. Default: TEST_SERVER_URL. */
  readonly serverUrl?: string;
}

/** Every leak of these resources; empty when the file cleaned up. */
export async function findLeaks(resources: TestResources, options: LeakCheckOptions = {}): Promise<Leak[]> {
  const leaks: Leak[] = [];
  const byRedisUrl = Map.groupBy(resources.prefixes, (recorded) => recorded.redisUrl);
  for (const [redisUrl, prefixes] of byRedisUrl) {
    leaks.push(...(await findRedisLeaks(redisUrl, prefixes, options.workerGraceMs ?? 3_000)));
  }
  if (resources.databases.length > 0) {
    leaks.push(...(await findDatabaseLeaks(resources.databases, options.serverUrl)));
  }
  return leaks;
}

/** The failure message: one line per leak with where its prefix or database was made. */
export function describeLeaks(file: string, leaks: readonly Leak[]): string {
  const lines = leaks.map((leak) => `  - ${leak.what} (created at ${leak.site})`);
  return (
    `${file} left ${leaks.length} thing${leaks.length === 1 ? "" : "s"} behind on the shared servers:\n` +
    `${lines.join("\n")}\n` +
    "Clean up in afterAll: close workers, removeQueuePrefix(connection) or obliterateQueues(...), " +
    "database.drop()."
  );
}

async function findRedisLeaks(
  redisUrl: string,
  prefixes: readonly RecordedPrefix[],
  workerGraceMs: number,
): Promise<Leak[]> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const leaks = await findConnectedWorkers(client, prefixes, workerGraceMs);
    for (const recorded of prefixes) leaks.push(...(await findPrefixKeys(client, recorded)));
    return leaks;
  } finally {
    client.disconnect();
  }
}

async function findConnectedWorkers(
  client: Redis,
  prefixes: readonly RecordedPrefix[],
  graceMs: number,
): Promise<Leak[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const names = ((await client.client("LIST")) as string)
      .split("\n")
      .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? "")
      .filter((name) => name !== "");
    const leaks: Leak[] = [];
    for (const recorded of prefixes) {
      for (const name of names) {
        if (name.startsWith(`${recorded.prefix}:`)) {
          leaks.push({
            kind: "worker",
            what: describeConnection(recorded.prefix, name),
            site: recorded.site,
          });
        }
      }
    }
    if (leaks.length === 0 || Date.now() >= deadline) return leaks;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `<prefix>:<base64 queue>` is a worker, `…:w:<name>` a named one, `…:qe` a QueueEvents listener. */
function describeConnection(prefix: string, name: string): string {
  const [encoded = "", ...rest] = name.slice(prefix.length + 1).split(":");
  const queue = Buffer.from(encoded, "base64").toString("utf8");
  const role = rest[0] === "qe" ? "queue-events listener" : "worker";
  const workerName = rest[0] === "w" ? ` "${rest.slice(1).join(":")}"` : "";
  return `${role}${workerName} of queue "${queue}" under ${prefix} still connected (client ${name})`;
}

async function findPrefixKeys(client: Redis, recorded: RecordedPrefix): Promise<Leak[]> {
  const { prefix, site } = recorded;
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await client.scan(cursor, "MATCH", `${escapeGlob(prefix)}:*`, "COUNT", 1_000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0");
  if (keys.length === 0) return [];

  const leaks: Leak[] = [];
  const rateKeys = keys.filter((key) => key.startsWith(`${prefix}:rate:`));
  if (rateKeys.length > 0) {
    leaks.push({ kind: "rate-limiter-keys", what: `${countKeys(rateKeys)} of the rate limiter`, site });
  }
  const otherKeys = keys.filter((key) => !key.startsWith(`${prefix}:rate:`));
  const byQueue = Map.groupBy(otherKeys, (key) => key.slice(prefix.length + 1).split(":")[0] ?? "");
  const queues = [...byQueue.keys()].sort();
  for (const queue of queues) {
    const schedulersKey = `${prefix}:${queue}:repeat`;
    if (byQueue.get(queue)?.includes(schedulersKey) && (await client.type(schedulersKey)) === "zset") {
      for (const scheduler of await client.zrange(schedulersKey, "0", "-1")) {
        leaks.push({
          kind: "job-scheduler",
          what: `job scheduler "${scheduler}" of queue "${queue}" under ${prefix}`,
          site,
        });
      }
    }
  }
  if (otherKeys.length > 0) {
    const perQueue = queues.map((queue) => `${queue}: ${byQueue.get(queue)?.length ?? 0}`).join(", ");
    leaks.push({ kind: "redis-keys", what: `${countKeys(otherKeys)} under ${prefix} [${perQueue}]`, site });
  }
  return leaks;
}

/** `3 Redis keys (a, b, c)`, naming at most five. */
function countKeys(keys: readonly string[]): string {
  const sorted = [...keys].sort();
  const shown = sorted.slice(0, 5).join(", ");
  const more = sorted.length > 5 ? `, … ${sorted.length - 5} more` : "";
  return `${keys.length} Redis key${keys.length === 1 ? "" : "s"} (${shown}${more})`;
}

/** SCAN MATCH treats `*?[]\` as a pattern; a prefix means itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

async function findDatabaseLeaks(
  databases: readonly RecordedDatabase[],
  serverUrl?: string,
): Promise<Leak[]> {
  const client = new pg.Client({
    connectionString: adminDatabaseUrl(serverUrl),
    connectionTimeoutMillis: 3_000,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where datname = any($1::text[])",
      [databases.map((database) => database.name)],
    );
    const present = new Set(rows.map((row) => row.datname));
    return databases
      .filter((database) => present.has(database.name))
      .map((database) => ({
        kind: "database" as const,
        what: `database ${database.name} ${database.dropped ? "still present after drop()" : "not dropped"}`,
        site: database.site,
      }));
  } finally {
    await client.end();
  }
}
