import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONFIG_VARIABLES, type Config, loadConfig, PROCESS_TUNING_VARIABLES } from "@vpa/runtime";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../src/command-registry.ts";
import { DEFAULT_HTTP_PORTS, healthPortOf, WORKER_KINDS, type WorkerKind } from "../src/worker-process.ts";
import { parseComposeYaml, type YamlMapping, type YamlValue } from "./compose-yaml.ts";

/**
 * docker-compose.yml, Dockerfile and .dockerignore against the code they run: a typo in any of
 * them starts containers that look fine and do the wrong thing (an environment variable nobody
 * reads, a health check on the wrong port, a worker kind the CLI rejects, a Redis that evicts
 * jobs). Nothing here needs Docker: the files are read and compared with what the CLI exports.
 */

const ROOT = resolve(import.meta.dirname, "../../..");
const compose = parseComposeYaml(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"));
const dockerfile = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const dockerignore = readDockerignore(readFileSync(join(ROOT, ".dockerignore"), "utf8"));

const services = mapping(compose.services, "services");
/** Services running the project's image (they have a `build` section). */
const appServices = Object.entries(services).filter(([, service]) => mapping(service).build !== undefined);
const workerServices = appServices
  .map(([name, service]) => ({ name, service, command: commandOf(mapping(service)) }))
  .filter(({ command }) => command[0] === "worker");

/** The postgres image's own variables (https://hub.docker.com/_/postgres). */
const POSTGRES_IMAGE_VARIABLES = [
  "POSTGRES_USER",
  "POSTGRES_PASSWORD",
  "POSTGRES_DB",
  "POSTGRES_INITDB_ARGS",
  "POSTGRES_INITDB_WALDIR",
  "POSTGRES_HOST_AUTH_METHOD",
  "PGDATA",
];

describe("docker-compose.yml", () => {
  it("has the services the deployment needs, and one per worker kind", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["redis", "postgres", "migrate"]));
    const kinds = workerServices.map(({ command }) => command[1]);
    expect([...kinds].sort()).toEqual([...WORKER_KINDS].sort());
  });

  it("runs only commands the vpa CLI has, and worker kinds it accepts", () => {
    const commands = cliCommands();
    for (const [name, service] of appServices) {
      const [command, ...args] = commandOf(mapping(service));
      expect(commands, `service ${name}: command ${command}`).toContain(command);
      if (command === "worker") {
        expect(WORKER_KINDS, `service ${name}: worker kind`).toContain(args[0]);
        expect(args, `service ${name}: worker takes one kind`).toHaveLength(1);
      }
    }
    expect(commandOf(mapping(services.migrate))).toEqual(["migrate"]);
  });

  it("sets only environment variables the code reads", () => {
    for (const [name, service] of appServices) {
      for (const variable of Object.keys(environmentOf(mapping(service)))) {
        expect([...CONFIG_VARIABLES, ...PROCESS_TUNING_VARIABLES], `service ${name}: ${variable}`).toContain(
          variable,
        );
      }
    }
    for (const variable of Object.keys(environmentOf(mapping(services.postgres)))) {
      expect(POSTGRES_IMAGE_VARIABLES, `service postgres: ${variable}`).toContain(variable);
    }
  });

  it("gives every app service a configuration the app accepts (with the file's defaults)", () => {
    for (const [name, service] of appServices) {
      expect(() => configOf(mapping(service)), `service ${name}`).not.toThrow();
    }
  });

  it("points every app service at the compose Redis and PostgreSQL, with the postgres credentials", () => {
    const postgresEnvironment = environmentOf(mapping(services.postgres));
    for (const [name, service] of appServices) {
      const config = configOf(mapping(service));
      const database = new URL(config.databaseUrl);
      expect(database.hostname, `service ${name}: DATABASE_URL host`).toBe("postgres");
      expect(database.port || "5432", `service ${name}: DATABASE_URL port`).toBe("5432");
      expect(decodeURIComponent(database.username), `service ${name}: DATABASE_URL user`).toBe(
        postgresEnvironment.POSTGRES_USER ?? "postgres",
      );
      expect(decodeURIComponent(database.password), `service ${name}: DATABASE_URL password`).toBe(
        postgresEnvironment.POSTGRES_PASSWORD,
      );
      expect(database.pathname.slice(1), `service ${name}: DATABASE_URL database`).toBe(
        postgresEnvironment.POSTGRES_DB ?? postgresEnvironment.POSTGRES_USER ?? "postgres",
      );
    }
    for (const { name, service } of workerServices) {
      const redis = new URL(configOf(mapping(service)).redisUrl);
      expect(redis.hostname, `service ${name}: REDIS_URL host`).toBe("redis");
      expect(redis.port || "6379", `service ${name}: REDIS_URL port`).toBe("6379");
    }
  });

  it("lets the workers of one deployment share their queues", () => {
    const configs = workerServices.map(({ service }) => configOf(mapping(service)));
    expect(new Set(configs.map((config) => config.redisUrl)).size).toBe(1);
    expect(new Set(configs.map((config) => config.queuePrefix)).size).toBe(1);
    expect(new Set(configs.map((config) => config.databaseUrl)).size).toBe(1);
  });

  it("checks /health, and publishes /metrics, on the port each worker listens on", () => {
    for (const { name, service, command } of workerServices) {
      const config = configOf(mapping(service));
      const port = String(healthPortOf(command[1] as WorkerKind, config));
      const healthcheck = mapping(mapping(service).healthcheck, `${name}.healthcheck`);
      expect(healthcheck.disable, `service ${name}: healthcheck disabled`).toBeUndefined();
      expect(healthPorts(strings(healthcheck.test)), `service ${name}: healthcheck port`).toEqual([port]);
      const published = strings(mapping(service).ports ?? []).map(
        (entry) => interpolate(entry).split(":").at(-1)?.split("/")[0],
      );
      expect(published, `service ${name}: published container port`).toEqual([port]);
    }
  });

  it("gives workers the time to stop gracefully before Docker kills them", () => {
    for (const { name, service } of workerServices) {
      const config = configOf(mapping(service));
      const grace = durationMs(string(mapping(service).stop_grace_period ?? "10s"));
      expect(grace, `service ${name}: stop_grace_period vs SHUTDOWN_TIMEOUT_MS`).toBeGreaterThanOrEqual(
        config.shutdownTimeoutMs + 1_000,
      );
    }
  });

  it("starts workers after healthy Redis and PostgreSQL and a successful migration", () => {
    for (const dependency of ["redis", "postgres"]) {
      const healthcheck = mapping(mapping(services[dependency]).healthcheck, `${dependency}.healthcheck`);
      expect(strings(healthcheck.test).length, `${dependency} healthcheck`).toBeGreaterThan(1);
    }
    expect(strings(mapping(mapping(services.redis).healthcheck).test)).toEqual(["CMD", "redis-cli", "ping"]);
    expect(strings(mapping(mapping(services.postgres).healthcheck).test)).toContain("pg_isready");
    expect(mapping(mapping(services.migrate).depends_on).postgres).toEqual({ condition: "service_healthy" });
    for (const { name, service } of workerServices) {
      expect(mapping(service).depends_on, `service ${name}: depends_on`).toEqual({
        redis: { condition: "service_healthy" },
        postgres: { condition: "service_healthy" },
        migrate: { condition: "service_completed_successfully" },
      });
      expect(mapping(service).restart, `service ${name}: restart`).toBe("unless-stopped");
    }
    expect(mapping(services.migrate).restart).toBe("no");
  });

  it("runs Redis with AOF (fsync every second) and noeviction, on a volume", () => {
    const redis = mapping(services.redis);
    const command = strings(redis.command);
    expect(optionOf(command, "--appendonly")).toBe("yes");
    expect(optionOf(command, "--appendfsync")).toBe("everysec");
    expect(optionOf(command, "--maxmemory-policy")).toBe("noeviction");
    expect(strings(redis.volumes).some((volume) => volume.endsWith(":/data"))).toBe(true);
    expect(
      strings(mapping(services.postgres).volumes).some((volume) =>
        volume.endsWith(":/var/lib/postgresql/data"),
      ),
    ).toBe(true);
  });

  // The brief's budget is 512 MB per service. The backtest worker is the documented exception: a
  // whole-market backtest (1,681 symbols, 3.2M bars) holds every symbol's analysis at once and
  // peaks at ~770 MB RSS (BENCHMARKS.md), so its container gets 1.5 GB.
  const MEMORY_BUDGET_MB: Record<string, number> = { backtest: 1536 };
  it("limits every long-lived service to 512 MB (the backtest worker to 1.5 GB)", () => {
    for (const [name, service] of Object.entries(services)) {
      const limits = mapping(
        mapping(mapping(mapping(service).deploy, `${name}.deploy`).resources).limits,
        `${name}.deploy.resources.limits`,
      );
      expect(megabytes(string(limits.memory)), `service ${name}: memory limit`).toBeLessThanOrEqual(
        MEMORY_BUDGET_MB[name] ?? 512,
      );
      expect(Number(string(limits.cpus)), `service ${name}: cpus limit`).toBeGreaterThan(0);
    }
  });
});

describe("Dockerfile", () => {
  const final = dockerfile.stages.at(-1)!;

  it("is multi-stage, and its final stage runs as the unprivileged node user", () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    const users = final.instructions.filter((instruction) => instruction.name === "USER");
    expect(users.at(-1)?.args).toBe("node");
    expect(
      final.instructions.find((i) => i.name === "ENV" && /^NODE_ENV=production$/.test(i.args)),
    ).toBeDefined();
  });

  it("starts the CLI from the bundle its build stage makes from the sources", () => {
    const entrypoint = jsonArgs(final, "ENTRYPOINT");
    expect(entrypoint).toEqual(["node", "dist/main.js"]);
    // The final stage takes dist/ from the build stage, whose last step bundles the CLI into it.
    expect(final.instructions).toContainEqual({ name: "COPY", args: "--from=build /app/dist ./dist" });
    const build = stageNamed("build");
    const bundle = build.instructions.findLast((i) => i.name === "RUN");
    expect(bundle?.args).toBe("node tools/bundle/src/main.ts /app/dist");
    expect(existsSync(join(ROOT, "tools/bundle/src/main.ts"))).toBe(true);
    // The bundler is a devDependency: the build stage installs them, the final stage does not.
    expect(
      build.instructions.some((i) => i.name === "RUN" && /\bnpm ci\b(?!.*--omit=dev)/.test(i.args)),
    ).toBe(true);
    const [command, kind, ...rest] = jsonArgs(final, "CMD");
    expect(command).toBe("worker");
    expect(WORKER_KINDS).toContain(kind);
    expect(rest).toEqual([]);
  });

  it("bundles every runtime source, ships the fixtures, and .dockerignore keeps them", () => {
    expect(contextCopies(stageNamed("build"))).toEqual(expect.arrayContaining(["apps", "packages", "tools"]));
    expect(contextCopies(final)).toEqual(expect.arrayContaining(["package.json", "fixtures"]));
    // The demo finds fixtures/ upward from dist/, and the chart font is copied into dist/assets.
    const runtimeFiles = [
      "package.json",
      ...listFiles("fixtures"),
      ...listFiles("apps/alerts/assets"),
      ...workspaces()
        .filter((workspace) => workspace !== "test-support")
        .flatMap((workspace) => [
          `${workspace}/package.json`,
          ...listFiles(`${workspace}/src`).filter((file) => !file.endsWith(".test.ts")),
        ]),
    ];
    expect(runtimeFiles.filter(ignored)).toEqual([]);
    expect(ignored("dist/main.js"), "a local dist/ must not reach the build").toBe(true);
  });

  it("installs production dependencies of every workspace inside the image, not the host's", () => {
    const deps = dockerfile.stages[0]!;
    const install = deps.instructions.find((i) => i.name === "RUN" && /\bnpm ci\b/.test(i.args));
    expect(install?.args).toMatch(/--omit=dev\b/);
    const copied = contextCopies(deps);
    expect(copied).toEqual(expect.arrayContaining(["package.json", "package-lock.json"]));
    // test-support holds only devDependencies and nothing at run time imports it.
    for (const workspace of workspaces().filter((name) => name !== "test-support")) {
      expect(copied).toContain(`${workspace}/package.json`);
    }
    expect(
      final.instructions.some((i) => i.name === "COPY" && /^--from=\S+ \S*\/node_modules /.test(i.args)),
    ).toBe(true);
    for (const path of [
      "node_modules/vitest/package.json",
      "apps/alerts/node_modules/x",
      ".vpa/x",
      ".git/x",
    ]) {
      expect(ignored(path), path).toBe(true);
    }
  });

  it("health-checks /health on the workers' default ports, or HTTP_PORT", () => {
    const healthcheck = final.instructions.find((i) => i.name === "HEALTHCHECK");
    expect(healthcheck?.args).toContain("/health");
    expect(healthcheck?.args).toContain("process.env.HTTP_PORT");
    const ports = [...(healthcheck?.args ?? "").matchAll(/'(\d{2,5})'/g)].map((match) => Number(match[1]));
    expect(ports.sort()).toEqual(Object.values(DEFAULT_HTTP_PORTS).sort());
  });
});

// ---------------------------------------------------------------------------------------------

function mapping(value: YamlValue | undefined, what = "value"): YamlMapping {
  if (value === null || value === undefined || typeof value === "string" || Array.isArray(value)) {
    throw new Error(`${what} must be a mapping`);
  }
  return value;
}

function string(value: YamlValue | undefined): string {
  if (typeof value !== "string") throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function strings(value: YamlValue | undefined): string[] {
  if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`);
  return value.map(string);
}

function commandOf(service: YamlMapping): string[] {
  return strings(service.command);
}

/**
 * What Docker Compose substitutes in a value when the host sets none of the variables (a fresh
 * clone without .env): `${VAR:-default}` and `${VAR-default}` give the default, `${VAR}` and
 * `$VAR` give "", `$$` gives `$`. `${VAR:?message}` would stop compose: an error here too.
 */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, _name, operator: string | undefined, operand: string | undefined) => {
      if (match === "$$") return "$";
      if (operator?.endsWith("?")) throw new Error(`${match}: required variable`);
      if (operand?.includes("$")) throw new Error(`${match}: nested interpolation is not checked`);
      return operator === undefined ? "" : (operand ?? "");
    },
  );
}

function environmentOf(service: YamlMapping): Record<string, string> {
  if (service.environment === undefined) return {};
  return Object.fromEntries(
    Object.entries(mapping(service.environment, "environment")).map(([key, value]) => [
      key,
      interpolate(string(value)),
    ]),
  );
}

/** The app's configuration inside the container (the image sets only NODE_ENV besides). */
function configOf(service: YamlMapping): Config {
  return loadConfig({ NODE_ENV: "production", ...environmentOf(service) });
}

/**
 * Commands `vpa help` lists, from the Node 24 the image would run: the command registry's, which
 * main.ts routes every one of (its RUNNERS is typed by the registry's names).
 */
function cliCommands(): string[] {
  const node = existsSync(join(ROOT, "node_modules/.bin/node"))
    ? join(ROOT, "node_modules/.bin/node")
    : process.execPath;
  const help = spawnSync(node, ["apps/cli/src/main.ts", "help"], { cwd: ROOT, encoding: "utf8" });
  expect(help.status, help.stderr).toBe(0);
  const listed = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((match) => match[1]!);
  return listed.filter((command) => (COMMAND_NAMES as readonly string[]).includes(command));
}

function healthPorts(test: string[]): string[] {
  return [...test.join(" ").matchAll(/\/\/(?:127\.0\.0\.1|localhost):(\d+)\/health\b/g)].map((m) => m[1]!);
}

function optionOf(args: string[], option: string): string | undefined {
  const index = args.indexOf(option);
  return index === -1 ? undefined : args[index + 1];
}

/** Compose durations: `30s`, `1m30s`, `500ms`. */
function durationMs(text: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.map((part) => part[0]).join("") !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]!]!, 0);
}

function megabytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kmg])b?$/i.exec(text);
  if (match === null) throw new Error(`not a memory size: ${text}`);
  const factor: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024 };
  return Number(match[1]) * factor[match[2]!.toLowerCase()]!;
}

function workspaces(): string[] {
  const patterns = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { workspaces: string[] })
    .workspaces;
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, parent, entry.name, "package.json")))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

function listFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(ROOT.length + 1));
}

interface Instruction {
  readonly name: string;
  readonly args: string;
}

interface Stage {
  /** `FROM image AS name`: the name, or null. */
  readonly name: string | null;
  readonly instructions: Instruction[];
}

function stageNamed(name: string): Stage {
  const stage = dockerfile.stages.find((candidate) => candidate.name === name);
  if (stage === undefined) throw new Error(`the Dockerfile has no stage named ${name}`);
  return stage;
}

/** Dockerfile instructions per stage (comments dropped, `\` continuation lines joined). */
function parseDockerfile(source: string): { stages: Stage[] } {
  const stages: Stage[] = [];
  const logical = source
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n");
  for (const line of logical) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const instruction = { name: match[1]!.toUpperCase(), args: match[2]!.trim().replace(/\s+/g, " ") };
    if (instruction.name === "FROM") {
      stages.push({ name: /\sAS\s+(\S+)$/i.exec(instruction.args)?.[1] ?? null, instructions: [] });
    }
    stages.at(-1)?.instructions.push(instruction);
  }
  return { stages };
}

function jsonArgs(stage: Stage, name: string): string[] {
  const instruction = stage.instructions.findLast((i) => i.name === name);
  if (instruction === undefined) throw new Error(`no ${name} in the final stage`);
  const args: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(args)) throw new Error(`${name} must use the exec (JSON) form`);
  return args.map(String);
}

/** Sources of the stage's COPY instructions from the build context (not `--from=` another stage). */
function contextCopies(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.name === "COPY" && !/(^|\s)--from=/.test(i.args))
    .flatMap((i) => {
      const words = i.args.split(" ").filter((word) => !word.startsWith("--"));
      return words.slice(0, -1).map((source) => source.replace(/^\.\//, "").replace(/\/$/, ""));
    });
}

/** .dockerignore rules, in order: a path is left out when the last rule matching it (or a parent) excludes it. */
function readDockerignore(source: string): { pattern: RegExp; exclude: boolean }[] {
  return source
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const exclude = !line.startsWith("!");
      const glob = line.replace(/^!/, "").replace(/^\//, "").replace(/\/$/, "");
      const regex = glob
        .split("/")
        .map((segment) =>
          segment === "**"
            ? "(?:[^/]+/)*"
            : `${segment
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, "[^/]*")
                .replace(/\?/g, "[^/]")}/`,
        )
        .join("");
      return { pattern: new RegExp(`^${regex.replace(/\/$/, "")}(?:/|$)`), exclude };
    });
}

function ignored(path: string): boolean {
  let result = false;
  for (const rule of dockerignore) if (rule.pattern.test(path)) result = rule.exclude;
  return result;
}
