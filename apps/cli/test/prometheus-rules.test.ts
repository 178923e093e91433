import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createMetrics } from "@vpa/runtime";
import { describe, expect, it } from "vitest";

const RULES = readFileSync(resolve(import.meta.dirname, "../../../deploy/prometheus/alerts.yml"), "utf8");

/** Metric names a PromQL expression uses: identifiers before `{`, `[` or a comparison. */
function metricsIn(expression: string): string[] {
  const names = expression.match(/\b(vpa_[a-z_]+|bullmq_[a-z_]+)\b/g) ?? [];
  return [...new Set(names)];
}

describe("deploy/prometheus/alerts.yml", () => {
  it("alerts only on metrics the workers really export (a renamed metric would silence an alert)", async () => {
    const registry = createMetrics({ collectProcessMetrics: false }).registry;
    const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const used = metricsIn(RULES);
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) {
      // Histograms are queried through their _bucket series; BullMQ's gauge comes from the queue.
      const base = name.replace(/_bucket$/, "");
      if (base === "bullmq_job_count") continue;
      expect(exported, `metric ${name} in an alert rule`).toContain(base);
    }
  });

  it("covers what the production checklist asks to alert on: error rate, staleness, a dead worker", () => {
    for (const alert of ["VpaJobFailureRateHigh", "VpaStreamStale", "VpaWorkerDown", "VpaNoScanToday"]) {
      expect(RULES).toContain(`alert: ${alert}`);
    }
  });
});
