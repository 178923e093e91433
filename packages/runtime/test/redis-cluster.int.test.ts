import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, type TestRedisCluster } from "../../../test-support/redis-cluster.ts";
import { createQueue, createWorker, type QueueConnection } from "../src/queues.ts";
import { pingRedis } from "../src/redis-check.ts";
import { createRedisClient, prefixPattern, scanKeys } from "../src/redis-client.ts";
import { RedisRateLimiter } from "../src/redis-rate-limiter.ts";
import { createStatusBoard } from "../src/status-board.ts";

/**
 * The runtime's Redis uses on a real Redis Cluster (six local servers, three masters with a
 * replica each) that this file starts and deletes: queues and workers, the rate limiter's
 * multi-key script, the status board's listing. With the default hash-tagged prefix every key of
 * a deployment hashes to one slot; without the tag the same calls fail with CROSSSLOT.
 */

let cluster: TestRedisCluster;
let connection: QueueConnection;

beforeAll(async () => {
  cluster = await startRedisCluster();
  connection = { redisUrl: "redis://127.0.0.1:1", clusterNodes: cluster.nodes, prefix: "{vpa-cluster}" };
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("Redis Cluster (REDIS_CLUSTER_NODES)", () => {
  it("answers the readiness ping through the cluster, not REDIS_URL", async () => {
    await expect(pingRedis(connection, 3_000)).resolves.toBeUndefined();
  });

  it("runs queues and workers under a hash-tagged prefix, every key in one slot", async () => {
    const queue = createQueue("alerts", connection);
    const seen: number[] = [];
    const worker = createWorker(
      "alerts",
      connection,
      async (payload) => {
        seen.push(payload.signalId);
      },
      { concurrency: 4 },
    );
    try {
      await queue.addBulk(
        Array.from({ length: 50 }, (_, i) => ({ payload: { signalId: i + 1 }, jobId: `alert.${i + 1}` })),
      );
      const deadline = Date.now() + 20_000;
      while (seen.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await queue.countUnfinished(Array.from({ length: 50 }, (_, i) => `alert.${i + 1}`))).toBe(0);
      // All on one master: the slot of the tag.
      const client = createRedisClient(connection, { lazyConnect: true });
      try {
        const keys = await scanKeys(client, prefixPattern(connection.prefix));
        expect(keys.length).toBeGreaterThan(3);
        const slots = new Set(
          await Promise.all(keys.map((key) => client.call("cluster", "keyslot", key) as Promise<number>)),
        );
        expect(slots.size).toBe(1);
      } finally {
        client.disconnect();
      }
    } finally {
      await worker.close();
      await queue.queue.obliterate({ force: true });
      await queue.close();
    }
  }, 30_000);

  it("books a send in several limits with one script (the keys share the prefix's slot)", async () => {
    const limiter = new RedisRateLimiter(connection);
    try {
      const limits = [
        { key: "telegram:bot", intervalMs: 1_000 },
        { key: "telegram:chat:42", intervalMs: 1_000 },
      ];
      expect(await limiter.tryAcquire(limits, "telegram:bot")).toEqual({ allowed: true });
      const second = await limiter.tryAcquire(limits, "telegram:bot");
      expect(second.allowed).toBe(false);
      // An untagged prefix spreads the same keys over slots: the cluster refuses the script.
      const untagged = new RedisRateLimiter({ ...connection, prefix: "vpa-untagged" });
      try {
        await expect(untagged.tryAcquire(limits, "telegram:bot")).rejects.toThrow(/CROSSSLOT|slot/i);
      } finally {
        await untagged.close();
      }
    } finally {
      await limiter.close();
    }
  });

  it("lists the status board from whichever master holds the prefix", async () => {
    const board = createStatusBoard(connection);
    try {
      await board.publish("stream", "live", { connected: true });
      await board.publish("stream", "backup", { connected: false });
      expect(await board.list("stream")).toEqual({
        live: { connected: true },
        backup: { connected: false },
      });
    } finally {
      await board.close();
    }
  });
});
