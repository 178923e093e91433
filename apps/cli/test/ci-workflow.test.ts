import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { loadConfig } from "@vpa/runtime";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * .github/workflows/ci.yml, the CI a fork gets on GitHub, held to GitHub's own workflow schema
 * (@actions/workflow-parser) and to the code: the README's test command, .ci/run's checks (the
 * local truth), the configuration's default ports, the Dockerfile, and actions pinned to commits.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const WORKFLOW_PATH = ".github/workflows/ci.yml";
const text = readFileSync(resolve(ROOT, WORKFLOW_PATH), "utf8");

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string | boolean | number>;
}
interface Job {
  readonly "runs-on": string;
  readonly services?: Record<string, { image: string; ports?: string[]; env?: Record<string, string> }>;
  readonly steps: Step[];
}
const workflow = parse(text) as { jobs: Record<string, Job> };

/** Schema problems GitHub would report for this workflow text (empty: valid). */
function schemaErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((error) => error.message);
}

/** Collapses whitespace: YAML folded scalars (`>-`) keep single spaces. */
const squash = (command: string) => command.replace(/\s+/g, " ").trim();

function stepNamed(job: string, name: string): Step {
  const step = workflow.jobs[job]?.steps.find((s) => s.name === name);
  if (step === undefined) throw new Error(`${WORKFLOW_PATH}: job ${job} has no step "${name}"`);
  return step;
}

describe(WORKFLOW_PATH, () => {
  it("is a valid GitHub workflow by GitHub's own schema, and the validator does catch a broken one", () => {
    expect(schemaErrors("ci.yml", text)).toEqual([]);
    const broken = text.replace("runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04");
    expect(schemaErrors("broken.yml", broken).join("\n")).toMatch(/runs_on|runs-on/);
  });

  it("runs the README's test command, as root in Debian, on the runner's network", () => {
    const quickStart =
      /```sh\n([\s\S]*?)```/.exec(readFileSync(resolve(ROOT, "README.md"), "utf8"))?.[1] ?? "";
    const readmeTest = /^(\S.*?)\s+# the whole test suite/m.exec(quickStart)?.[1];
    expect(readmeTest).toBe("./vpa test");
    const run = squash(stepNamed("test", "Test").run ?? "");
    expect(run.endsWith(` ${readmeTest}`), run).toBe(true);
    expect(run).toMatch(/^docker run --rm --network host .*node:24-bookworm \.\/vpa test$/);
    // .ci/run runs the same command.
    expect(readFileSync(resolve(ROOT, ".ci/run"), "utf8")).toContain(`\n${readmeTest}\n`);
  });

  it("typechecks and lints with .ci/run's own commands", () => {
    const ciRun = readFileSync(resolve(ROOT, ".ci/run"), "utf8").split("\n");
    for (const name of ["Typecheck", "Lint"]) {
      const run = squash(stepNamed("check", name).run ?? "");
      expect(ciRun, name).toContain(run);
    }
    expect(squash(stepNamed("check", "Install").run ?? "")).toBe(
      ciRun.find((line) => line.startsWith("npm ci")),
    );
  });

  it("gives the tests Redis and PostgreSQL on the configuration's default ports, with the default database", () => {
    const defaults = loadConfig({});
    const redis = new URL(defaults.redisUrl);
    const postgres = new URL(defaults.databaseUrl);
    const services = workflow.jobs.test?.services ?? {};
    expect(services.redis?.ports).toEqual([`${redis.port}:${redis.port}`]);
    expect(services.postgres?.ports).toEqual([`${postgres.port}:${postgres.port}`]);
    expect(services.postgres?.env).toMatchObject({
      POSTGRES_HOST_AUTH_METHOD: "trust", // the default URL has no password
      POSTGRES_DB: postgres.pathname.slice(1),
    });
    expect(postgres.username).toBe("postgres");
  });

  it("builds the Dockerfile's image and scans that same image, failing on fixable HIGH or CRITICAL findings", () => {
    const steps = workflow.jobs.image?.steps ?? [];
    const build = steps.find((s) => s.uses?.startsWith("docker/build-push-action@"));
    const scan = steps.find((s) => s.uses?.startsWith("aquasecurity/trivy-action@"));
    expect(build?.with).toMatchObject({ file: "Dockerfile", push: false, load: true });
    expect(readFileSync(resolve(ROOT, String(build?.with?.file)), "utf8")).toMatch(/^FROM /m);
    expect(scan?.with).toMatchObject({
      "image-ref": build?.with?.tags,
      severity: "HIGH,CRITICAL",
      "exit-code": "1",
    });
  });

  it("pins every action to a full commit, with the tag it was in a comment", () => {
    const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThanOrEqual(5);
    for (const [, action, rest] of uses) {
      expect(action, action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(rest, action).toMatch(/# v\d+(\.\d+)*$/);
    }
  });
});
