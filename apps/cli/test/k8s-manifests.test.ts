import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { CONFIG_VARIABLES, loadConfig, PROCESS_TUNING_VARIABLES, QUEUE_NAMES } from "@vpa/runtime";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { COMMAND_NAMES } from "../src/command-registry.ts";
import { checkCommandLine } from "../src/parse-options.ts";
import { healthPortOf, WORKER_KINDS, type WorkerKind } from "../src/worker-process.ts";
import { type Manifest, manifestKey, renderKustomization } from "./kustomize-render.ts";

/**
 * deploy/k8s against the Kubernetes (1.27) and KEDA schemas and against the code it runs, as
 * compose-file.test.ts does for docker-compose.yml: a manifest that the API server would accept can
 * still run a worker kind the CLI rejects, probe a port nothing listens on, set a variable nobody
 * reads or miss one the code needs, or scale on a queue that does not exist.
 */

const K8S = resolve(import.meta.dirname, "../../../deploy/k8s");
const OVERLAYS = ["dev", "prod", "prod-hpa"] as const;
const rendered = Object.fromEntries(
  OVERLAYS.map((overlay) => [overlay, renderKustomization(resolve(K8S, "overlays", overlay))]),
) as Record<(typeof OVERLAYS)[number], Manifest[]>;

/** The schema-checked model of each kind the manifests use (kubernetes-models, @kubernetes-models/keda). */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/CronJob": CronJob,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
};

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  automountServiceAccountToken?: boolean;
}

function podSpecOf(manifest: Manifest): PodSpec | null {
  const spec = manifest.spec as Record<string, unknown> | undefined;
  const template = (spec?.template ??
    (spec?.jobTemplate as { spec?: { template?: unknown } } | undefined)?.spec?.template) as
    | { spec: PodSpec }
    | undefined;
  return template?.spec ?? null;
}

function byKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((manifest) => manifest.kind === kind);
}

/** Containers that run the project's image (`vpa`, or its renamed form in an overlay). */
function vpaContainers(manifests: Manifest[]): { owner: Manifest; container: Container }[] {
  return manifests.flatMap((owner) =>
    (podSpecOf(owner)?.containers ?? [])
      .filter((container) => /(^|\/)vpa(:|$)/.test(container.image))
      .map((container) => ({ owner, container })),
  );
}

function configMapData(manifests: Manifest[]): Record<string, string> {
  const configMap = manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name === "vpa-config");
  if (configMap === undefined) throw new Error("no ConfigMap vpa-config");
  return configMap.data as Record<string, string>;
}

/** Values a real Secret would hold: what loadConfig must accept for each secret key. */
const SECRET_SAMPLES: Record<string, string> = {
  DATABASE_URL: "postgres://vpa:secret@postgres.example:5432/vpa",
  DATABASE_READ_URL: "postgres://vpa:secret@postgres-replica.example:5432/vpa",
  REDIS_URL: "redis://:secret@redis.example:6379",
  TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  SMTP_URL: "smtp://user:pass@mail.example:587",
  WEBHOOK_SIGNING_SECRET: "a-long-enough-signing-secret",
};

/** The environment a container starts with: the ConfigMap, then its own env (secrets as samples). */
function environmentOf(manifests: Manifest[], container: Container): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef?.name === "vpa-config") Object.assign(environment, configMapData(manifests));
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret !== undefined) {
      expect(secret.name, `${variable.name} comes from vpa-secrets`).toBe("vpa-secrets");
      environment[variable.name] = SECRET_SAMPLES[secret.key] ?? "";
    } else {
      environment[variable.name] = variable.value ?? "";
    }
  }
  return environment;
}

function portNumber(container: Container, port: string | number): number | undefined {
  if (typeof port === "number") return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)$/.exec(quantity);
  if (match === null) throw new Error(`memory quantity ${quantity}`);
  const value = Number(match[1]);
  return { Mi: value, Gi: value * 1024, M: (value * 1e6) / 2 ** 20, G: (value * 1e9) / 2 ** 20 }[
    match[2] as "Mi" | "Gi" | "M" | "G"
  ];
}

describe("deploy/k8s", () => {
  it("renders every overlay into objects the Kubernetes and KEDA schemas accept", () => {
    for (const overlay of OVERLAYS) {
      expect(rendered[overlay].length, overlay).toBeGreaterThan(15);
      for (const manifest of rendered[overlay]) {
        const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
        expect(Model, `${overlay}: ${manifest.apiVersion} ${manifest.kind} has a schema here`).toBeDefined();
        expect(
          () => new (Model as new (data: Manifest) => { validate(): void })(manifest).validate(),
          `${overlay}: ${manifestKey(manifest)}`,
        ).not.toThrow();
      }
    }
  });

  it("rejects what the schemas forbid (the validation is not a no-op)", () => {
    const deployment = structuredClone(
      rendered.prod.find((m) => m.kind === "Deployment" && m.metadata.name === "scanner"),
    ) as Manifest & { spec: { replicas: unknown } };
    deployment.spec.replicas = "two";
    expect(() => new Deployment(deployment as never).validate()).toThrow();
  });

  it("renders as kubectl kustomize does, where kubectl is installed", () => {
    const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
    const checked: string[] = [];
    if (kubectl.status === 0) {
      for (const overlay of OVERLAYS) {
        const result = spawnSync("kubectl", ["kustomize", resolve(K8S, "overlays", overlay)], {
          encoding: "utf8",
        });
        expect(result.status, result.stderr).toBe(0);
        const theirs = parseAllDocuments(result.stdout).map((document) => document.toJS() as Manifest);
        const sortByKey = (list: Manifest[]) =>
          [...list].sort((a, b) => manifestKey(a).localeCompare(manifestKey(b)));
        expect(sortByKey(rendered[overlay]), overlay).toEqual(sortByKey(theirs));
        checked.push(overlay);
      }
    }
    // Without kubectl the renderer stands on its own (and on the checks below).
    expect(checked.length === 0 || checked.length === OVERLAYS.length).toBe(true);
  });

  it("runs one Deployment per worker kind, each a command and kind the CLI accepts", () => {
    for (const overlay of OVERLAYS) {
      const kinds = new Set<string>();
      for (const { owner, container } of vpaContainers(byKind(rendered[overlay], "Deployment"))) {
        const [command, kind, ...rest] = container.args ?? [];
        expect(command, `${owner.metadata.name}`).toBe("worker");
        expect(WORKER_KINDS, `${owner.metadata.name}: kind`).toContain(kind);
        expect(rest).toEqual([]);
        kinds.add(kind as string);
      }
      expect([...kinds].sort(), overlay).toEqual([...WORKER_KINDS].sort());
      for (const { container } of vpaContainers([...byKind(rendered[overlay], "Job")])) {
        expect(COMMAND_NAMES).toContain(container.args?.[0]);
        expect(container.args).toEqual(["migrate"]);
      }
    }
  });

  it("gives every variable the code reads a place (ConfigMap, Secret or the container), and no other", () => {
    for (const overlay of OVERLAYS) {
      const manifests = rendered[overlay];
      const placed = new Set(Object.keys(configMapData(manifests)));
      for (const { container } of vpaContainers(manifests)) {
        for (const variable of container.env ?? []) placed.add(variable.name);
      }
      for (const variable of placed)
        expect([...CONFIG_VARIABLES, ...PROCESS_TUNING_VARIABLES], `${overlay}: ${variable}`).toContain(
          variable,
        );
      for (const variable of CONFIG_VARIABLES) {
        // NAME_FILE is the alternative to NAME for secrets mounted as files (docs/deploy.md).
        const covered =
          placed.has(variable) || (variable.endsWith("_FILE") && placed.has(variable.slice(0, -5)));
        expect(covered, `${overlay}: ${variable} has no place in deploy/k8s`).toBe(true);
      }
    }
  });

  it("starts every VPA container with a configuration the code accepts", () => {
    for (const overlay of OVERLAYS) {
      for (const { owner, container } of vpaContainers(rendered[overlay])) {
        expect(
          () => loadConfig(environmentOf(rendered[overlay], container)),
          `${overlay}: ${owner.metadata.name}`,
        ).not.toThrow();
      }
    }
  });

  it("probes /health (startup, liveness) and /ready (readiness) on the port the worker listens on", () => {
    for (const overlay of OVERLAYS) {
      for (const { owner, container } of vpaContainers(byKind(rendered[overlay], "Deployment"))) {
        const kind = container.args?.[1] as WorkerKind;
        const config = loadConfig(environmentOf(rendered[overlay], container));
        const port = healthPortOf(kind, config);
        const name = `${overlay}: ${owner.metadata.name}`;
        expect(
          container.ports?.map((p) => p.containerPort),
          name,
        ).toEqual([port]);
        expect(container.startupProbe?.httpGet?.path, name).toBe("/health");
        expect(container.livenessProbe?.httpGet?.path, name).toBe("/health");
        expect(container.readinessProbe?.httpGet?.path, name).toBe("/ready");
        for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
          expect(portNumber(container, probe?.httpGet?.port ?? -1), name).toBe(port);
        }
        const annotations = (
          owner.spec as { template: { metadata: { annotations?: Record<string, string> } } }
        ).template.metadata.annotations;
        expect(annotations?.["prometheus.io/port"], name).toBe(String(port));
      }
    }
  });

  it("runs every pod non-root, read-only, without capabilities or a service-account token, with memory bounds", () => {
    for (const overlay of OVERLAYS) {
      for (const manifest of rendered[overlay]) {
        const pod = podSpecOf(manifest);
        if (pod === null) continue;
        const name = `${overlay}: ${manifestKey(manifest)}`;
        expect(pod.securityContext?.runAsNonRoot, name).toBe(true);
        expect(pod.securityContext?.runAsUser, name).toBeGreaterThan(0);
        expect(pod.automountServiceAccountToken, name).toBe(false);
        for (const container of pod.containers) {
          expect(container.securityContext?.readOnlyRootFilesystem, name).toBe(true);
          expect(container.securityContext?.allowPrivilegeEscalation, name).toBe(false);
          expect(container.securityContext?.capabilities?.drop, name).toEqual(["ALL"]);
          expect(container.resources?.requests?.memory, name).toBeDefined();
          expect(container.resources?.limits?.memory, name).toBeDefined();
        }
      }
    }
  });

  it("sizes memory from the measured peaks (BENCHMARKS.md)", () => {
    const limit = (name: string) => {
      const deployment = rendered.prod.find((m) => m.kind === "Deployment" && m.metadata.name === name);
      return mebibytes(podSpecOf(deployment as Manifest)?.containers[0]?.resources?.limits?.memory ?? "0Mi");
    };
    // bench/scan: 310 MiB peak RSS per scanner at ANALYZE_CONCURRENCY 16.
    expect(limit("scanner")).toBeGreaterThanOrEqual(310 * 1.5);
    // A whole-market backtest: 767 MB peak RSS.
    expect(limit("backtest")).toBeGreaterThanOrEqual(767 * 1.5);
  });

  it("covers every scalable Deployment by a PodDisruptionBudget that selects it", () => {
    for (const overlay of OVERLAYS) {
      const deployments = byKind(rendered[overlay], "Deployment");
      for (const budget of byKind(rendered[overlay], "PodDisruptionBudget")) {
        const selector = (budget.spec as { selector: { matchLabels: Record<string, string> } }).selector
          .matchLabels;
        const selected = deployments.filter((deployment) => {
          const labels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } })
            .template.metadata.labels;
          return Object.entries(selector).every(([key, value]) => labels[key] === value);
        });
        expect(
          selected.map((d) => d.metadata.name),
          `${overlay}: ${budget.metadata.name}`,
        ).toEqual([budget.metadata.name]);
      }
      const budgeted = byKind(rendered[overlay], "PodDisruptionBudget").map((b) => b.metadata.name);
      expect(budgeted.sort()).toEqual(["alerts", "api", "backtest", "scanner"]);
    }
  });

  it("scales scanner, alerts and backtest on their queues with KEDA, to zero only where that is safe", () => {
    const scaled = byKind(rendered.prod, "ScaledObject");
    const deployments = new Set(byKind(rendered.prod, "Deployment").map((d) => d.metadata.name));
    const spec = (name: string) =>
      (scaled.find((s) => s.metadata.name === name) as Manifest).spec as {
        scaleTargetRef: { name: string };
        minReplicaCount: number;
        triggers: { type: string; metadata: { query: string } }[];
      };
    expect(scaled.map((s) => s.metadata.name).sort()).toEqual(["alerts", "backtest", "scanner"]);
    for (const object of scaled) {
      const { scaleTargetRef, triggers } = spec(object.metadata.name);
      expect(deployments).toContain(scaleTargetRef.name);
      for (const trigger of triggers) {
        expect(trigger.type).toBe("prometheus");
        expect(trigger.metadata.query).toMatch(/^max\(sum by \(instance\) \(bullmq_job_count\{/);
        const queues = /queue=~?"([^"]+)"/.exec(trigger.metadata.query)?.[1]?.split("|") ?? [];
        expect(queues.length).toBeGreaterThan(0);
        for (const queue of queues) expect(QUEUE_NAMES).toContain(queue);
      }
    }
    // The scan schedules need a running scanner; alerts-bot keeps one alerts worker up.
    expect(spec("scanner").minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(spec("alerts").minReplicaCount).toBe(0);
    expect(spec("backtest").minReplicaCount).toBe(0);
    expect(deployments).toContain("alerts-bot");
    expect(byKind(rendered.prod, "HorizontalPodAutoscaler")).toEqual([]);
  });

  it("offers HorizontalPodAutoscalers instead of KEDA in prod-hpa, for the same Deployments", () => {
    expect(byKind(rendered["prod-hpa"], "ScaledObject")).toEqual([]);
    const targets = byKind(rendered["prod-hpa"], "HorizontalPodAutoscaler").map(
      (hpa) => (hpa.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
    );
    expect(targets.sort()).toEqual(["alerts", "backtest", "scanner"]);
  });

  it("lets exactly one process poll the Telegram bot, and the live stream run once", () => {
    for (const overlay of OVERLAYS) {
      const deployments = byKind(rendered[overlay], "Deployment");
      const polling = vpaContainers(deployments).filter(
        ({ container }) => loadConfig(environmentOf(rendered[overlay], container)).telegram.botCommands,
      );
      expect(polling.map(({ owner }) => owner.metadata.name)).toEqual(["alerts-bot"]);
      for (const single of ["alerts-bot", "stream"]) {
        const spec = deployments.find((d) => d.metadata.name === single)?.spec as {
          replicas: number;
          strategy: { type: string };
        };
        expect(spec.replicas, `${overlay}: ${single}`).toBe(1);
        expect(spec.strategy.type, `${overlay}: ${single}`).toBe("Recreate");
      }
    }
  });

  it("lets Prometheus scrape every worker's port, and routes the API Service to the API's port", () => {
    for (const overlay of OVERLAYS) {
      const scrape = byKind(rendered[overlay], "NetworkPolicy").find(
        (p) => p.metadata.name === "metrics-scrape",
      );
      const allowed = (
        (scrape?.spec as { ingress: { ports: { port: number }[] }[] } | undefined)?.ingress ?? []
      ).flatMap((rule) => rule.ports.map((p) => p.port));
      for (const { container } of vpaContainers(byKind(rendered[overlay], "Deployment"))) {
        for (const port of container.ports ?? []) expect(allowed).toContain(port.containerPort);
      }
      const service = rendered[overlay].find((m) => m.kind === "Service" && m.metadata.name === "api");
      const targetPort = (service?.spec as { ports: { targetPort: string }[] } | undefined)?.ports[0]
        ?.targetPort;
      const api = vpaContainers(byKind(rendered[overlay], "Deployment")).find(
        ({ container }) => container.args?.[1] === "api",
      );
      expect(api?.container.ports?.map((p) => p.name)).toContain(targetPort);
    }
  });

  it("sets the ConfigMap's values at the code's defaults, but for the few Kubernetes needs otherwise", () => {
    // Meant to differ: a fixed hash-tagged prefix for every pod, a drain inside the 30 s grace
    // period, the writable emptyDir, and one bot poller (alerts-bot turns it back on).
    const INTENDED = ["QUEUE_PREFIX", "SHUTDOWN_TIMEOUT_MS", "VPA_DATA_DIR", "TELEGRAM_BOT_COMMANDS"];
    // The base: the overlays change values on purpose (dev logs at debug).
    const defaults = loadConfig({});
    for (const [name, value] of Object.entries(configMapData(renderKustomization(resolve(K8S, "base"))))) {
      if (value === "" || INTENDED.includes(name)) continue;
      // Setting the variable to the ConfigMap's value must change nothing in the configuration.
      expect(loadConfig({ [name]: value }), `${name}=${JSON.stringify(value)}`).toEqual(defaults);
    }
    // The check can fail: ANALYZE_CHUNK_SIZE 50 (the old value) is not the default (100).
    expect(loadConfig({ ANALYZE_CHUNK_SIZE: "50" })).not.toEqual(defaults);
  });

  it("maintains market_data's partitions daily with `vpa maintain` on the primary, bounded in time", () => {
    for (const overlay of OVERLAYS) {
      const cronJob = rendered[overlay].find(
        (m) => m.kind === "CronJob" && m.metadata.name === "maintain",
      ) as Manifest;
      expect(cronJob, overlay).toBeDefined();
      const spec = cronJob.spec as {
        schedule: string;
        timeZone: string;
        concurrencyPolicy: string;
        jobTemplate: { spec: { activeDeadlineSeconds?: number } };
      };
      expect(spec.schedule).toMatch(/^\d+ \d+ \* \* \*$/);
      expect(spec.timeZone).toBe("Asia/Ho_Chi_Minh");
      expect(spec.concurrencyPolicy).toBe("Forbid");
      expect(spec.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      const { container } = vpaContainers([cronJob])[0] as { container: Container };
      const [command, ...options] = container.args ?? [];
      expect(command).toBe("maintain");
      expect(COMMAND_NAMES).toContain(command);
      // Options the CLI accepts (a typo would fail every night), with a bounded wait.
      expect(() => checkCommandLine("maintain", options)).not.toThrow();
      expect(options).toContain("--timeout");
      expect(container.envFrom?.map((source) => source.configMapRef?.name)).toContain("vpa-config");
      expect(container.env?.find((e) => e.name === "DATABASE_URL")?.valueFrom?.secretKeyRef?.key).toBe(
        "DATABASE_URL",
      );
      expect(container.env?.map((e) => e.name)).not.toContain("DATABASE_READ_URL");
      // After the nightly backup (02:30): a month is in a dump before it is dropped.
      const backup = rendered[overlay].find((m) => m.kind === "CronJob" && m.metadata.name === "backup");
      const minutesOf = (schedule: string) => {
        const [minute, hour] = schedule.split(" ").map(Number) as [number, number];
        return hour * 60 + minute;
      };
      expect(minutesOf(spec.schedule)).toBeGreaterThan(
        minutesOf((backup as Manifest & { spec: { schedule: string } }).spec.schedule),
      );
    }
  });

  it("keeps backups with a retention, of the database the workers use", () => {
    const cronJob = rendered.prod.find(
      (m) => m.kind === "CronJob" && m.metadata.name === "backup",
    ) as Manifest;
    const container = podSpecOf(cronJob)?.containers[0] as Container & { command: string[] };
    const script = `${container.command.join(" ")} ${(container.args ?? []).join(" ")}`;
    expect(script).toContain("pg_dump --format=custom");
    expect(script).toMatch(/tail -n \+\$\(\(BACKUP_KEEP \+ 1\)\) \| xargs -r rm/);
    expect(container.env?.find((e) => e.name === "BACKUP_KEEP")?.value).toBe("30");
    expect(container.env?.find((e) => e.name === "DATABASE_URL")?.valueFrom?.secretKeyRef?.key).toBe(
      "DATABASE_URL",
    );
    expect(container.image).toMatch(/^postgres:\d+$/);
  });
});
