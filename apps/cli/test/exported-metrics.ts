import { createMetrics } from "@vpa/runtime";
import { Queue } from "bullmq";

/**
 * The metric families BullMQ's `exportPrometheusMetrics()` writes (`bullmq_job_count` ...), read
 * from its source so that no Redis is needed: a BullMQ upgrade that renames one fails the
 * dashboard and rules tests instead of blanking a panel.
 */
export function bullmqMetricNames(): string[] {
  const source = Queue.prototype.exportPrometheusMetrics.toString();
  return [...new Set(source.match(/bullmq_[a-z_]+/g) ?? [])];
}

/** Every metric family a worker's /metrics serves: the registry with process metrics, and BullMQ's. */
export async function exportedMetricNames(): Promise<Set<string>> {
  const metrics = createMetrics({ collectProcessMetrics: true });
  const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
  return new Set([...names, ...bullmqMetricNames()]);
}
