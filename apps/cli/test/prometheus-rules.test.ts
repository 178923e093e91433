import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { findTool } from "@vpa/dev-services";
import { createMetrics } from "@vpa/runtime";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bullmqMetricNames } from "./exported-metrics.ts";

const run = promisify(execFile);
const PROMETHEUS = resolve(import.meta.dirname, "../../../deploy/prometheus");
const RULES = readFileSync(resolve(PROMETHEUS, "rules.yml"), "utf8");

/** Metric names a PromQL expression uses: identifiers before `{`, `[` or a comparison. */
function metricsIn(expression: string): string[] {
  const names = expression.match(/\b(vpa_[a-z_]+|bullmq_[a-z_]+)\b/g) ?? [];
  return [...new Set(names)];
}

const alertNames = [...RULES.matchAll(/^\s+- alert: (\w+)$/gm)].map((match) => match[1] as string);

describe("deploy/prometheus/rules.yml", () => {
  it("alerts only on metrics the workers really export (a renamed metric would silence an alert)", async () => {
    const registry = createMetrics({ collectProcessMetrics: false }).registry;
    const exported = new Set([
      ...(await registry.getMetricsAsJSON()).map((m) => m.name),
      ...bullmqMetricNames(),
    ]);
    const used = metricsIn(RULES);
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) {
      // Histograms are queried through their _bucket series.
      expect(exported, `metric ${name} in an alert rule`).toContain(name.replace(/_bucket$/, ""));
    }
  });

  it("covers what the production checklist asks to alert on: error rate, staleness, a dead worker", () => {
    for (const alert of ["VpaJobFailureRateHigh", "VpaStreamStale", "VpaWorkerDown", "VpaNoScanToday"]) {
      expect(alertNames).toContain(alert);
    }
  });

  it("passes promtool check rules", async () => {
    const { stdout } = await run(await findTool("promtool"), [
      "check",
      "rules",
      resolve(PROMETHEUS, "rules.yml"),
    ]);
    expect(stdout).toContain(`SUCCESS: ${alertNames.length} rules found`);
  });

  it("passes promtool test rules, with a unit test for every alert", async () => {
    const tests = parse(readFileSync(resolve(PROMETHEUS, "rules.test.yml"), "utf8")) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((group) =>
        group.alert_rule_test.filter((test) => test.exp_alerts.length > 0).map((test) => test.alertname),
      ),
    );
    const quiet = new Set(
      tests.tests.flatMap((group) =>
        group.alert_rule_test.filter((test) => test.exp_alerts.length === 0).map((test) => test.alertname),
      ),
    );
    expect([...firing].sort(), "an alert without a test that makes it fire").toEqual([...alertNames].sort());
    expect([...quiet].sort(), "an alert without a test that it stays quiet").toEqual([...alertNames].sort());
    const { stdout } = await run(await findTool("promtool"), ["test", "rules", "rules.test.yml"], {
      cwd: PROMETHEUS,
    });
    expect(stdout).toContain("SUCCESS");
  });
});
