import { FlowProducer, UnrecoverableError, type Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { startRedisCluster } from "../../../test-support/redis-cluster.ts";
import { readQueueStatus, type StatusQueue } from "../src/queue-status.ts";
import { createQueue, createWorker, type QueueConnection } from "../src/queues.ts";

/**
 * readQueueStatus, what `GET /status`, `vpa status` and the bot's /status show of the queues,
 * against real Redis: every state a job can be in lands in its own count, a parent of a flow in
 * `waitingChildren`, and each queue costs one getJobCounts (one Lua script) however many states.
 */

const connection = testQueueConnection();

afterAll(async () => {
  await removeQueuePrefix(connection);
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Counts the calls the status makes, passing each to the real queue. */
function countingCalls(queue: StatusQueue): { queue: StatusQueue; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    queue: {
      name: queue.name,
      getJobCounts: (...types) => {
        calls.push("getJobCounts");
        return queue.getJobCounts(...types);
      },
      getWorkersCount: () => {
        calls.push("getWorkersCount");
        return queue.getWorkersCount();
      },
    },
  };
}

describe("readQueueStatus", () => {
  it("counts each state apart (a priority is not waiting), the flow parent, and the workers", async () => {
    const alerts = createQueue("alerts", connection);
    const backtest = createQueue("backtest", connection);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let worker: Worker | undefined;
    const flow = new FlowProducer({ connection: { url: connection.redisUrl }, prefix: connection.prefix });
    try {
      worker = createWorker(
        "alerts",
        connection,
        async ({ signalId }) => {
          if (signalId === 2) throw new UnrecoverableError("no such signal");
          if (signalId === 3) await held;
        },
        { concurrency: 1 },
      );
      await alerts.addBulk([
        { payload: { signalId: 1 }, jobId: "alert.1" },
        { payload: { signalId: 2 }, jobId: "alert.2" },
      ]);
      await until(async () => {
        const counts = await alerts.queue.getJobCounts("completed", "failed");
        return counts.completed === 1 && counts.failed === 1;
      }, "one completed and one failed alert job");
      await alerts.add({ signalId: 3 }, { jobId: "alert.3" });
      await until(async () => (await alerts.queue.getJobCounts("active")).active === 1, "alert.3 active");
      // The one worker (concurrency 1) is busy with alert.3: these stay where they are put.
      await alerts.add({ signalId: 10 }, { jobId: "alert.10" });
      await alerts.add({ signalId: 11 }, { jobId: "alert.11", priority: 1 });
      await alerts.add({ signalId: 12 }, { jobId: "alert.12", priority: 2 });
      await alerts.add({ signalId: 13 }, { jobId: "alert.13", delay: 60_000 });
      await flow.add({
        name: "backtest",
        queueName: "backtest",
        data: { runId: "sweep", config: {} },
        opts: { jobId: "backtest.sweep" },
        children: [{ name: "backtest", queueName: "backtest", data: { runId: "run-1", config: {} } }],
      });

      const statuses = await readQueueStatus([alerts.queue, backtest.queue], { workers: true });
      expect(statuses).toEqual([
        {
          queue: "alerts",
          workers: 1,
          waiting: 1,
          prioritized: 2,
          active: 1,
          delayed: 1,
          waitingChildren: 0,
          failed: 1,
          completed: 1,
        },
        {
          queue: "backtest",
          workers: 0,
          waiting: 1,
          prioritized: 0,
          active: 0,
          delayed: 0,
          waitingChildren: 1,
          failed: 0,
          completed: 0,
        },
      ]);
      // The key order `vpa status --json` prints.
      expect(Object.keys(statuses[0] ?? {}).slice(0, 3)).toEqual(["queue", "workers", "waiting"]);
    } finally {
      release();
      await worker?.close();
      await flow.close();
      await alerts.queue.obliterate({ force: true });
      await backtest.queue.obliterate({ force: true });
      await alerts.close();
      await backtest.close();
    }
  });

  it("asks each queue once for its counts, and for its workers only when told to", async () => {
    const scan = createQueue("scan", connection);
    const digests = createQueue("digests", connection);
    try {
      await digests.add({ scanId: 7 }, { jobId: "digest.7" });
      const first = countingCalls(scan.queue);
      const second = countingCalls(digests.queue);
      const counts = await readQueueStatus([first.queue, second.queue]);
      expect(counts.map((q) => [q.queue, q.waiting])).toEqual([
        ["scan", 0],
        ["digests", 1],
      ]);
      expect(counts[1]).not.toHaveProperty("workers");
      expect([first.calls, second.calls]).toEqual([["getJobCounts"], ["getJobCounts"]]);

      const withWorkers = await readQueueStatus([first.queue], { workers: true });
      expect(withWorkers[0]?.workers).toBe(0);
      expect(first.calls).toEqual(["getJobCounts", "getJobCounts", "getWorkersCount"]);
    } finally {
      await scan.queue.obliterate({ force: true });
      await digests.queue.obliterate({ force: true });
      await scan.close();
      await digests.close();
    }
  });

  it("reads a Redis Cluster under a hash-tagged prefix (every key in one slot, no CROSSSLOT)", async () => {
    const cluster = await startRedisCluster();
    const clustered: QueueConnection = {
      redisUrl: "redis://127.0.0.1:1",
      clusterNodes: cluster.nodes,
      prefix: "{vpa-queue-status}",
    };
    const deliveries = createQueue("deliveries", clustered);
    try {
      await deliveries.add({ deliveryId: 1 }, { jobId: "deliver.1" });
      await deliveries.add({ deliveryId: 2 }, { jobId: "deliver.2", priority: 1 });
      await deliveries.add({ deliveryId: 3 }, { jobId: "deliver.3", delay: 60_000 });
      const [status] = await readQueueStatus([deliveries.queue], { workers: true });
      expect(status).toMatchObject({
        queue: "deliveries",
        workers: 0,
        waiting: 1,
        prioritized: 1,
        delayed: 1,
      });
    } finally {
      await deliveries.close();
      await cluster.stop();
    }
  }, 90_000);
});
