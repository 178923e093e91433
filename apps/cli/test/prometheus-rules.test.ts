import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { findTool } from "@vpa/dev-services";
import { createMetrics } from "@vpa/runtime";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_HTTP_PORTS, WORKER_KINDS } from "../src/worker-process.ts";
import { parseComposeYaml, type YamlMapping } from "./compose-yaml.ts";
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

describe("docker compose --profile monitoring", () => {
  const ROOT = resolve(PROMETHEUS, "../..");
  const compose = parseComposeYaml(readFileSync(resolve(ROOT, "docker-compose.yml"), "utf8"));
  const services = compose.services as YamlMapping;
  const config = parse(readFileSync(resolve(PROMETHEUS, "prometheus.yml"), "utf8")) as {
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };

  it("passes promtool check config, rules included", async () => {
    const { stdout } = await run(await findTool("promtool"), [
      "check",
      "config",
      resolve(PROMETHEUS, "prometheus.yml"),
    ]);
    expect(stdout).toContain("is valid prometheus config file syntax");
    expect(stdout).toContain(`SUCCESS: ${alertNames.length} rules found`);
  });

  it("scrapes every worker kind's compose service on the port it serves /metrics on, as job vpa-<kind>", () => {
    const scraped = Object.fromEntries(
      config.scrape_configs.map((scrape) => [
        scrape.job_name,
        scrape.static_configs.flatMap((c) => c.targets),
      ]),
    );
    for (const kind of WORKER_KINDS) {
      expect(services[kind], `compose service ${kind}`).toBeDefined();
      expect(scraped[`vpa-${kind}`], kind).toEqual([`${kind}:${DEFAULT_HTTP_PORTS[kind]}`]);
    }
    expect(Object.keys(scraped).every((job) => /^vpa-/.test(job))).toBe(true);
  });

  it("mounts the rules, the dashboard and Grafana's provisioning where the configs look for them", () => {
    const prometheus = services.prometheus as YamlMapping;
    const grafana = services.grafana as YamlMapping;
    expect(prometheus.profiles).toEqual(["monitoring"]);
    expect(grafana.profiles).toEqual(["monitoring"]);
    expect(prometheus.volumes).toContain("./deploy/prometheus:/etc/prometheus:ro");
    const provider = parse(
      readFileSync(resolve(ROOT, "deploy/grafana/provisioning/dashboards/vpa.yml"), "utf8"),
    ) as { providers: { options: { path: string } }[] };
    const dashboardsPath = provider.providers[0]?.options.path;
    expect(grafana.volumes).toContain(`./deploy/grafana/vpa.json:${dashboardsPath}/vpa.json:ro`);
    expect(grafana.volumes).toContain("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro");
    const datasources = parse(
      readFileSync(resolve(ROOT, "deploy/grafana/provisioning/datasources/prometheus.yml"), "utf8"),
    ) as { datasources: { type: string; url: string }[] };
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: "prometheus", url: "http://prometheus:9090" }),
    ]);
  });
});
