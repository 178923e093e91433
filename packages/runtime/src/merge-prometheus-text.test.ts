import { describe, expect, it } from "vitest";
import { mergePrometheusText } from "./merge-prometheus-text.ts";

describe("mergePrometheusText", () => {
  it("announces each family once and keeps its samples together, as Prometheus requires", () => {
    const analyze = [
      "# HELP bullmq_job_count Number of jobs in the queue by state",
      "# TYPE bullmq_job_count gauge",
      'bullmq_job_count{queue="analyze", state="waiting"} 12',
      "# HELP bullmq_job_failed_total Total number of failed jobs",
      "# TYPE bullmq_job_failed_total counter",
      'bullmq_job_failed_total{queue="analyze"} 1',
    ].join("\n");
    const alerts = [
      "# HELP bullmq_job_count Number of jobs in the queue by state",
      "# TYPE bullmq_job_count gauge",
      'bullmq_job_count{queue="alerts", state="prioritized"} 3',
      "# HELP bullmq_job_failed_total Total number of failed jobs",
      "# TYPE bullmq_job_failed_total counter",
      'bullmq_job_failed_total{queue="alerts"} 0',
    ].join("\n");
    expect(mergePrometheusText([analyze, alerts]).split("\n")).toEqual([
      "# HELP bullmq_job_count Number of jobs in the queue by state",
      "# TYPE bullmq_job_count gauge",
      'bullmq_job_count{queue="analyze", state="waiting"} 12',
      'bullmq_job_count{queue="alerts", state="prioritized"} 3',
      "# HELP bullmq_job_failed_total Total number of failed jobs",
      "# TYPE bullmq_job_failed_total counter",
      'bullmq_job_failed_total{queue="analyze"} 1',
      'bullmq_job_failed_total{queue="alerts"} 0',
      "",
    ]);
    expect(mergePrometheusText([])).toBe("");
  });
});
