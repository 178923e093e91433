import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { exportedMetricNames } from "./exported-metrics.ts";

/**
 * deploy/grafana/vpa.json against the code: a panel whose query names a metric nobody exports
 * shows "No data" forever, which looks like a quiet system. Every query's metrics must be ones the
 * workers' /metrics serves (the registry of packages/runtime/src/metrics.ts with its process
 * metrics, and BullMQ's queue gauges).
 */

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string }[];
}

const dashboard = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../deploy/grafana/vpa.json"), "utf8"),
) as { uid: string; panels: Panel[]; templating: { list: { name: string; type: string; query: string }[] } };
const panels = dashboard.panels.filter((panel) => panel.type !== "row");

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "le",
]);

/** The metric names a PromQL expression reads: identifiers not followed by `(`, outside label matchers. */
function metricNamesIn(expression: string): string[] {
  const withoutLabels = expression
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/"[^"]*"/g, "");
  const names = [...withoutLabels.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map(
    (m) => m[1] as string,
  );
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name) && !/^\d/.test(name)))];
}

describe("deploy/grafana/vpa.json", () => {
  it("queries only metrics the workers export", async () => {
    const exported = await exportedMetricNames();
    let queries = 0;
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        const names = metricNamesIn(target.expr);
        expect(names.length, `${panel.title}: ${target.expr} names no metric`).toBeGreaterThan(0);
        for (const name of names) {
          const base = name.replace(/_(bucket|sum|count)$/, "");
          expect(exported.has(name) || exported.has(base), `${panel.title}: ${name} is not exported`).toBe(
            true,
          );
        }
        queries++;
      }
    }
    expect(queries).toBeGreaterThan(15);
  });

  it("reads PromQL metric names as Prometheus does (the check above is not vacuous)", () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (queue, le) (rate(vpa_job_duration_seconds_bucket{queue="a"}[5m])))',
      ),
    ).toEqual(["vpa_job_duration_seconds_bucket"]);
    expect(metricNamesIn("time() - max by (queue) (vpa_last_job_completed_timestamp_seconds)")).toEqual([
      "vpa_last_job_completed_timestamp_seconds",
    ]);
    expect(
      metricNamesIn('30 - sum(rate(vpa_alert_delivery_attempts_total{channel="telegram"}[1m]))'),
    ).toEqual(["vpa_alert_delivery_attempts_total"]);
  });

  it("shows what an operator asks first: queues, throughput, deliveries, 429s, staleness, portfolio, API", () => {
    const queries = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)).join("\n");
    for (const metric of [
      "bullmq_job_count",
      "vpa_jobs_processed_total",
      "vpa_jobs_failed_total",
      "vpa_alerts_sent_total",
      "vpa_alert_deliveries_failed_total",
      'reason="rate_limited"',
      "vpa_data_staleness_seconds",
      "vpa_portfolio_value",
      "vpa_http_request_duration_seconds_bucket",
      "vpa_signals_generated_total",
      "vpa_process_resident_memory_bytes",
      "vpa_nodejs_eventloop_lag_p99_seconds",
    ]) {
      expect(queries).toContain(metric);
    }
  });

  it("lets the user pick the Prometheus data source, and every panel uses it", () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }),
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
    const variable = "${datasource}";
    for (const panel of panels) expect(panel.datasource?.uid, panel.title).toBe(variable);
    expect(new Set(panels.map((panel) => panel.title)).size).toBe(panels.length);
  });
});
