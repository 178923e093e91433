/**
 * Did every worker recover unaided? After a scenario, each worker process the suite left running
 * must be alive (no exit the suite did not cause), `/ready` (it reaches Redis and PostgreSQL) and
 * still taking jobs: canary jobs that cannot succeed (an alert for a signal that does not exist, an
 * analysis of an unknown symbol) are enqueued until each worker's `vpa_jobs_processed_total` moved.
 * A worker whose BullMQ connection never resumed after a Redis restart passes /ready (it pings
 * Redis on a fresh connection) but takes no canary.
 */
import { createQueue, type QueueConnection } from "@vpa/runtime";
import type { ChaosWorker } from "./chaos-worker.ts";

export interface WorkerRecovery {
  readonly name: string;
  readonly alive: boolean;
  readonly ready: boolean;
  readonly tookJobs: boolean;
  readonly starts: number;
  readonly unexpectedExits: number;
}

export async function checkWorkerRecovery(
  workers: readonly ChaosWorker[],
  connection: QueueConnection,
  timeoutMs = 20_000,
): Promise<{ recovered: boolean; workers: WorkerRecovery[] }> {
  const alerts = createQueue("alerts", connection);
  const analyze = createQueue("analyze", connection);
  try {
    const ready = await Promise.all(workers.map((worker) => worker.ready(10_000)));
    const before = await Promise.all(workers.map((worker) => worker.processedJobs()));
    const took = workers.map(() => false);
    const deadline = Date.now() + timeoutMs;
    let canary = 0;
    while (Date.now() < deadline && took.some((done, index) => !done && workers[index]!.alive)) {
      for (let round = 0; round < 2; round++) {
        canary++;
        if (workers.some((worker) => worker.kind === "alerts")) {
          await alerts
            .add({ signalId: 2_000_000_000 + canary }, { jobId: `chaos-canary-${canary}` })
            .catch(() => {});
        }
        if (workers.some((worker) => worker.kind === "scanner")) {
          await analyze
            .add(
              { symbol: "ZZCANARY", timeframe: "1D", barTime: "2000-01-03", alert: false },
              { jobId: `chaos-canary-${canary}` },
            )
            .catch(() => {});
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const now = await Promise.all(workers.map((worker) => worker.processedJobs()));
      now.forEach((count, index) => {
        if (count !== null && count > (before[index] ?? 0)) took[index] = true;
      });
    }
    const results = workers.map((worker, index) => ({
      name: worker.name,
      alive: worker.alive,
      ready: ready[index] ?? false,
      tookJobs: took[index] ?? false,
      starts: worker.starts,
      unexpectedExits: worker.unexpectedExits.length,
    }));
    return {
      recovered: results.every(
        (worker) => worker.alive && worker.ready && worker.tookJobs && worker.unexpectedExits === 0,
      ),
      workers: results,
    };
  } finally {
    await Promise.allSettled([alerts.close(), analyze.close()]);
  }
}
