import type { QueueConnection } from "./queues.ts";
import { createRedisClient, prefixPattern, scanKeys } from "./redis-client.ts";

/**
 * Where long-lived processes publish a small status document (the live stream's connection state,
 * staleness, reconnects) for `vpa status` to read. Entries expire unless refreshed, so a process
 * that died disappears from the board instead of looking healthy.
 */
export interface StatusBoard {
  publish(kind: string, name: string, status: unknown, ttlSeconds?: number): Promise<void>;
  list(kind: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export function createStatusBoard(connection: QueueConnection): StatusBoard {
  const client = createRedisClient(connection, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    enableOfflineQueue: true,
  });
  client.on("error", () => {});
  const key = (kind: string, name: string) => `${connection.prefix}:status:${kind}:${name}`;
  return {
    async publish(kind, name, status, ttlSeconds = 30) {
      await client.set(key(kind, name), JSON.stringify(status), "EX", ttlSeconds);
    },
    async list(kind) {
      const entries: Record<string, unknown> = {};
      // Every master on a cluster (scanKeys): the keys live wherever the prefix's slot is.
      const keys = await scanKeys(
        client,
        `${prefixPattern(connection.prefix).slice(0, -1)}status:${kind}:*`,
        100,
      );
      for (const found of keys) {
        const value = await client.get(found);
        if (value !== null) entries[found.slice(key(kind, "").length)] = JSON.parse(value);
      }
      return entries;
    },
    async close() {
      client.disconnect();
    },
  };
}
