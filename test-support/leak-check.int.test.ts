import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createQueue, createWorker, RedisRateLimiter } from "@vpa/runtime";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./database.ts";
import { findLeaks } from "./leak-check.ts";
import { removeQueuePrefix, TEST_REDIS_URL, testQueueConnection } from "./queues.ts";
import { creationSite, recordQueuePrefix, type TestResources, testResources } from "./test-resources.ts";

const ROOT = resolve(import.meta.dirname, "..");

/** The resources this file recorded last: what one test hands the checker on its own. */
function lastRecorded(prefixes: number, databases = 0): TestResources {
  const all = testResources();
  return {
    prefixes: prefixes === 0 ? [] : all.prefixes.slice(-prefixes),
    databases: databases === 0 ? [] : all.databases.slice(-databases),
  };
}

describe("the leak check, against the real Redis and PostgreSQL", () => {
  it("finds a worker, a job scheduler, rate-limiter keys and queue keys, each with the line that made the prefix", async () => {
    // On one line: the site the registry records is the line that asked for the prefix.
    const [connection, line] = [testQueueConnection(), creationSite()];
    const scan = createQueue("scan", connection);
    const limiter = new RedisRateLimiter(connection);
    const worker = createWorker("alerts", connection, async () => null, { concurrency: 1 });
    try {
      await scan.queue.upsertJobScheduler("scan-daily", { pattern: "0 15 * * 1-5" }, { name: "scan" });
      await limiter.tryAcquire([{ key: "telegram:bot", intervalMs: 1_000 }], null);
      await expect
        .poll(async () => (await findLeaks(lastRecorded(1), { workerGraceMs: 0 })).map((leak) => leak.kind))
        .toContain("worker");
      const leaks = await findLeaks(lastRecorded(1), { workerGraceMs: 0 });
      expect(leaks.map((leak) => leak.kind).sort()).toEqual([
        "job-scheduler",
        "rate-limiter-keys",
        "redis-keys",
        "worker",
      ]);
      expect(leaks.every((leak) => leak.site === line)).toBe(true);
      const what = leaks.map((leak) => leak.what).join("\n");
      expect(what).toContain(`job scheduler "scan-daily" of queue "scan" under ${connection.prefix}`);
      expect(what).toContain(`worker of queue "alerts" under ${connection.prefix} still connected`);
      expect(what).toContain(`${connection.prefix}:rate:telegram:bot`);
      expect(what).toMatch(
        new RegExp(`\\d+ Redis keys \\(.+\\) under ${connection.prefix} \\[alerts: \\d+, scan: \\d+\\]`),
      );
    } finally {
      await worker.close();
      await limiter.close();
      await scan.close();
      await removeQueuePrefix(connection);
    }
    expect(await findLeaks(lastRecorded(1))).toEqual([]);
  });

  it("waits for a worker that is still closing instead of reporting it", async () => {
    const connection = testQueueConnection();
    const worker = createWorker("analyze", connection, async () => null, { concurrency: 1 });
    await expect
      .poll(async () => (await findLeaks(lastRecorded(1), { workerGraceMs: 0 })).map((leak) => leak.kind))
      .toContain("worker");
    const closing = new Promise((done) => setTimeout(done, 300)).then(() => worker.close());
    const leaks = await findLeaks(lastRecorded(1), { workerGraceMs: 5_000 });
    await closing;
    await removeQueuePrefix(connection);
    expect(leaks.filter((leak) => leak.kind === "worker")).toEqual([]);
  });

  it("reads a prefix as itself, not as a pattern: a key under a look-alike prefix is not this one's", async () => {
    const connection = testQueueConnection();
    const lookAlike = `${connection.prefix}*`;
    recordQueuePrefix(lookAlike, TEST_REDIS_URL);
    const client = new Redis(TEST_REDIS_URL);
    try {
      await client.set(`${connection.prefix}x:analyze:meta`, "1");
      expect(await findLeaks(lastRecorded(2))).toEqual([]);
    } finally {
      await client.del(`${connection.prefix}x:analyze:meta`);
      client.disconnect();
    }
  });

  it("finds a database not dropped, and none once it is", async () => {
    const [database, line] = [await createTestDatabase(), creationSite()];
    const leaks = await findLeaks(lastRecorded(0, 1));
    expect(leaks).toEqual([{ kind: "database", what: `database ${database.name} not dropped`, site: line }]);
    await database.drop();
    expect(await findLeaks(lastRecorded(0, 1))).toEqual([]);
  });
});

/** The 1-based line of a fixture that contains `text`. */
async function lineOf(fixture: string, text: string): Promise<number> {
  const lines = (await readFile(join(ROOT, "test-support/fixtures/leak-check", fixture), "utf8")).split("\n");
  return lines.findIndex((line) => line.includes(text)) + 1;
}

describe("the leak check in a vitest run", () => {
  it("fails the file that leaks, naming what and where, and passes the file that cleans up in its own afterAll", async () => {
    const outputDirectory = await mkdtemp(join(tmpdir(), "vpa-leak-check-"));
    const report = join(outputDirectory, "report.json");
    const child = spawn(
      resolve(ROOT, "node_modules/.bin/vitest"),
      [
        "run",
        "--config",
        "test-support/fixtures/leak-check/vitest.config.ts",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${report}`,
      ],
      { cwd: ROOT, env: { ...process.env, REDIS_URL: TEST_REDIS_URL }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    const results = JSON.parse(await readFile(report, "utf8")) as {
      testResults: { name: string; status: string; message: string }[];
    };
    await rm(outputDirectory, { recursive: true, force: true });
    // The leaked prefix is named in the failure; remove it, under this file's own check.
    const leaked = /job scheduler "leaked-schedule" of queue "scan" under (vpa-test-[0-9a-f]+)/.exec(
      output,
    )?.[1];
    if (leaked !== undefined) {
      recordQueuePrefix(leaked, TEST_REDIS_URL);
      await removeQueuePrefix({ redisUrl: TEST_REDIS_URL, prefix: leaked });
    }

    expect(code, output).toBe(1);
    const byFile = Object.fromEntries(
      results.testResults.map((result) => [result.name.slice(ROOT.length + 1), result]),
    );
    expect(byFile["test-support/fixtures/leak-check/cleans-up.fixture.ts"]?.status, output).toBe("passed");
    expect(byFile["test-support/fixtures/leak-check/leaks.fixture.ts"]?.status, output).toBe("failed");
    expect(leaked, output).toBeDefined();
    const site = /created at (test-support\/fixtures\/leak-check\/leaks\.fixture\.ts:\d+)/.exec(output)?.[1];
    expect(site, output).toBe(
      `test-support/fixtures/leak-check/leaks.fixture.ts:${await lineOf("leaks.fixture.ts", "testQueueConnection()")}`,
    );
    expect(output).toContain("test-support/fixtures/leak-check/leaks.fixture.ts left 3 things behind");
    expect(output).toContain(
      `job scheduler "leaked-schedule" of queue "scan" under ${leaked} (created at ${site})`,
    );
    expect(output).toContain(
      `1 Redis key (${leaked}:rate:telegram:bot) of the rate limiter (created at ${site})`,
    );
  }, 60_000);
});
