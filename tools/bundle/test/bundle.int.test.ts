import { type ChildProcess, spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { freePort } from "../../../test-support/free-port.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { type SmtpSink, startSmtpSink } from "../../../test-support/smtp-sink.ts";
import { bundleApp } from "../src/bundle-app.ts";

// The image runs dist/main.js (Dockerfile): this is that program, built the same way, inside the
// repository so its few external packages resolve from node_modules as in the image.
const ROOT = resolve(import.meta.dirname, "../../..");
const OUT = resolve(ROOT, `.vpa/bundle-test-${process.pid}`);
const NODE = resolve(ROOT, "node_modules/.bin/node");

let database: TestDatabase;
let smtp: SmtpSink;
beforeAll(async () => {
  await bundleApp({ root: ROOT, outDir: OUT });
  database = await createTestDatabase();
  smtp = await startSmtpSink({ user: "demo", pass: "demo-pass" });
}, 120_000);
afterAll(async () => {
  await smtp?.close();
  await database?.drop();
  await rm(OUT, { recursive: true, force: true });
});

function run(args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(NODE, [resolve(OUT, "main.js"), ...args], {
    // Not the repository: the bundle must find its font and fixtures from dist/ itself.
    cwd: OUT,
    env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: "--max-semi-space-size=16", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function collect(child: ChildProcess): { output: () => string; exited: Promise<number | null> } {
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { output: () => output, exited: new Promise((done) => child.on("exit", (code) => done(code))) };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

describe("the bundled vpa command (what the image runs)", () => {
  it("runs the demo end to end: bars imported, signals found, alerts with their chart by email", async () => {
    const connection = testQueueConnection();
    try {
      const demo = collect(
        run(["demo"], {
          DATABASE_URL: database.url,
          REDIS_URL: connection.redisUrl,
          QUEUE_PREFIX: connection.prefix,
          SMTP_URL: smtp.url,
          EMAIL_FROM: "VPA Demo <demo@vpa.test>",
          VPA_DATA_DIR: resolve(ROOT, ".vpa"),
        }),
      );
      const status = await demo.exited;
      expect(status, demo.output()).toBe(0);
      expect(demo.output()).toContain("25,913 daily bars of 30 symbols");
      const delivered = Number(/alerts delivered\s+(\d+) in this run/.exec(demo.output())?.[1]);
      expect(delivered).toBeGreaterThan(0);
      const mails = await smtp.waitForMessages(delivered / 2, 10_000);
      // The chart is rendered by the native resvg package with the font copied beside the bundle.
      const withChart = mails.filter((mail) => /Content-Type: image\/png/i.test(mail.raw));
      expect(withChart.length).toBeGreaterThan(0);
      // base64 of "\x89PNG": the image really is a PNG, not an error placeholder.
      expect(withChart[0]?.raw).toContain("iVBORw0KGgo");
    } finally {
      await removeQueuePrefix(connection);
    }
  }, 180_000);

  it("an alerts worker from the bundle serves /ready and idles in well under the 150 MB goal", async () => {
    const connection = testQueueConnection();
    const port = await freePort();
    const child = run(["worker", "alerts"], {
      DATABASE_URL: database.url,
      REDIS_URL: connection.redisUrl,
      QUEUE_PREFIX: connection.prefix,
      HTTP_PORT: String(port),
      SHUTDOWN_TIMEOUT_MS: "5000",
      // As docker-compose.yml and deploy/k8s/base/alerts.yaml start the alerts workers.
      NODE_OPTIONS: "--max-semi-space-size=4",
    });
    const worker = collect(child);
    try {
      await waitFor(() => worker.output().includes('"worker started"'), 30_000);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(await ready.json()).toEqual({ status: "ready", checks: { redis: "ok", postgres: "ok" } });
      await new Promise((r) => setTimeout(r, 3_000));
      // Measured 132 MB idle on an empty track record (BENCHMARKS.md "Worker memory"), of which
      // ~26 MB is the chart thread it warms up as it starts. The demo above now stores the
      // bundled history's track record, which the worker loads as it starts (every alert's
      // evidence line): 132–138 MB idle at the deployed young generation (4 MiB), 147–155 MB at
      // the image's default 16 MiB (session 14).
      expect(await rssMiB(child.pid as number)).toBeLessThan(145);
    } finally {
      child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
      await removeQueuePrefix(connection);
    }
  }, 60_000);
});
