import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";

/**
 * The CLI is a thin router (issue 10): a command loads its own code only, and a worker process
 * its own kind's. Each run records the modules it loaded (record-loaded-modules.ts).
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const NODE = resolve(ROOT, "node_modules/.bin/node");
const RECORDER = resolve(import.meta.dirname, "record-loaded-modules.ts");

/**
 * The dependency-free modules every `vpa` process reads: the alert channel registry (the
 * recipient options of `vpa subscribe`; a sender is loaded only by the alerts worker,
 * channel-definition.ts), the market-data provider names (MARKET_DATA_PROVIDER, `vpa fetch
 * --provider`), the one backoff function (runtime's job retries use it) and the one concurrency
 * limiter (runtime's task wrapper). They load no other module of their workspace.
 */
const PLAIN_DATA_MODULE = new RegExp(
  [
    "/apps/alerts/src/channels/(channel-registry|channel-pacing|[a-z]+/[a-z]+-(channel|pacing))\\.ts$",
    "/packages/market-data/src/providers/provider-names\\.ts$",
    "/packages/market-data/src/http/backoff-delay\\.ts$",
    "/packages/market-data/src/http/concurrency-limiter\\.ts$",
  ].join("|"),
);

/** The workspaces whose code a process loaded: `apps/alerts`, `packages/db`... */
function workspacesOf(modules: readonly string[]): string[] {
  const found = new Set<string>();
  for (const url of modules) {
    if (PLAIN_DATA_MODULE.test(url)) continue;
    const match = new RegExp(`^file://${ROOT}/((?:apps|packages)/[^/]+)/`).exec(url);
    if (match !== null) found.add(match[1] as string);
  }
  return [...found].sort();
}

let scratch: string;
let database: TestDatabase;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "vpa-lazy-"));
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  await rm(scratch, { recursive: true, force: true });
});

/**
 * Runs `vpa args` until it exits, or, given `until`, until its output contains that text and then
 * SIGTERM; returns the workspaces it loaded and its exit code.
 */
async function run(
  args: readonly string[],
  env: Record<string, string>,
  until?: string,
): Promise<{ code: number | null; output: string; workspaces: string[] }> {
  const record = join(scratch, `${args.join("-")}.txt`);
  const child = spawn(NODE, ["--import", RECORDER, "apps/cli/src/main.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: scratch, RECORD_LOADED_MODULES_TO: record, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((done) => child.on("close", done));
  const seen = new Promise<void>((done) => {
    const listen = (chunk: Buffer) => {
      output += chunk;
      if (until !== undefined && output.includes(until)) done();
    };
    child.stdout.on("data", listen);
    child.stderr.on("data", listen);
  });
  if (until !== undefined) {
    await Promise.race([seen, exited]);
    child.kill("SIGTERM");
  }
  const code = await exited;
  const modules = (await readFile(record, "utf8").catch(() => "")).split("\n");
  return { code, output, workspaces: workspacesOf(modules) };
}

describe("what a vpa process loads", () => {
  it("vpa status loads no scanner, alerts or backtest code", async () => {
    const queues = testQueueConnection();
    try {
      const status = await run(["status"], {
        DATABASE_URL: database.url,
        REDIS_URL: queues.redisUrl,
        QUEUE_PREFIX: queues.prefix,
      });
      expect(status.code, status.output).toBe(0);
      expect(status.workspaces).toEqual(["apps/cli", "packages/db", "packages/runtime", "packages/vpa-core"]);
    } finally {
      await removeQueuePrefix(queues);
    }
  }, 60_000);

  const expected = {
    scanner: [
      "apps/cli",
      "apps/scanner",
      "packages/db",
      "packages/market-data",
      "packages/runtime",
      "packages/vpa-core",
    ],
    alerts: ["apps/alerts", "apps/cli", "packages/db", "packages/runtime", "packages/vpa-core"],
    backtest: ["apps/backtest", "apps/cli", "packages/db", "packages/runtime", "packages/vpa-core"],
  } as const;
  for (const kind of ["scanner", "alerts", "backtest"] as const) {
    it(`vpa worker ${kind} loads only its own kind's code`, async () => {
      const queues = testQueueConnection();
      try {
        const worker = await run(
          ["worker", kind],
          {
            DATABASE_URL: database.url,
            REDIS_URL: queues.redisUrl,
            QUEUE_PREFIX: queues.prefix,
            HTTP_PORT: "0",
            LOG_LEVEL: "info",
            SHUTDOWN_TIMEOUT_MS: "5000",
          },
          '"worker started"',
        );
        expect(worker.code, worker.output).toBe(0);
        expect(worker.workspaces).toEqual(expected[kind]);
      } finally {
        await removeQueuePrefix(queues);
      }
    }, 60_000);
  }

  it("vpa worker api loads no scanner code, and none of the alerts' senders, workers or bot", async () => {
    const queues = testQueueConnection();
    try {
      const api = await run(
        ["worker", "api"],
        {
          DATABASE_URL: database.url,
          REDIS_URL: queues.redisUrl,
          QUEUE_PREFIX: queues.prefix,
          API_PORT: "0",
          LOG_LEVEL: "info",
          SHUTDOWN_TIMEOUT_MS: "5000",
        },
        '"worker started"',
      );
      expect(api.code, api.output).toBe(0);
      expect(api.workspaces).toEqual([
        "apps/alerts",
        "apps/api",
        "apps/backtest",
        "apps/cli",
        "packages/db",
        "packages/runtime",
        "packages/vpa-core",
      ]);
      const record = (await readFile(join(scratch, "worker-api.txt"), "utf8")).split("\n");
      // The evidence and the chart drawing (and the pure modules they use) only.
      const heavy = record.filter((url) =>
        /\/apps\/alerts\/src\/(index\.ts|alert-worker|deliver\.job|fan-out|build-digests|create-senders|telegram-bot\/|channels\/[a-z]+\/[a-z]+-sender)/.test(
          url,
        ),
      );
      expect(heavy).toEqual([]);
      expect(record.some((url) => url.includes("/apps/alerts/src/evidence/"))).toBe(true);
    } finally {
      await removeQueuePrefix(queues);
    }
  }, 60_000);
});
