/**
 * The API as an operator runs it: keys made with `vpa apikey`, the server started with
 * `vpa worker api` (migrations, /health, /ready, /metrics and the API on API_PORT), a revoked key
 * refused, and SIGTERM stopping it cleanly.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { freePort } from "../../../test-support/free-port.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const NODE = resolve(ROOT, "node_modules/.bin/node");

let database: TestDatabase;
const queues = testQueueConnection();
const environment = () => ({
  PATH: process.env.PATH ?? "",
  DATABASE_URL: database.url,
  REDIS_URL: queues.redisUrl,
  QUEUE_PREFIX: queues.prefix,
  LOG_LEVEL: "info",
  SHUTDOWN_TIMEOUT_MS: "5000",
});

function vpa(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(NODE, ["apps/cli/src/main.ts", ...args], {
    cwd: ROOT,
    env: environment(),
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await removeQueuePrefix(queues);
  await database?.drop();
});

describe("vpa apikey and vpa worker api", () => {
  it("creates keys shown once, lists them without secrets, and refuses a bad role", () => {
    const created = vpa(["apikey", "create", "--name", "ops", "--role", "admin", "--json"]);
    expect(created.status, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { id: number; role: string; key: string };
    expect(key.role).toBe("admin");
    expect(key.key).toMatch(/^vpa_[A-Za-z0-9_-]{43}$/);
    const listed = vpa(["apikey", "list"]);
    expect(listed.stdout).toMatch(/ops\s+admin/);
    expect(listed.stdout).not.toContain(key.key);
    const bad = vpa(["apikey", "create", "--name", "x", "--role", "root"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--role must be reader, trader, admin/);
  });

  it("serves the API on API_PORT with /health, /ready and /metrics, refuses a revoked key, and stops on SIGTERM", async () => {
    const reader = JSON.parse(
      vpa(["apikey", "create", "--name", "dash", "--role", "reader", "--json"]).stdout,
    );
    const revoked = JSON.parse(vpa(["apikey", "create", "--name", "old", "--json"]).stdout);
    const admin = JSON.parse(vpa(["apikey", "create", "--name", "ops2", "--role", "admin", "--json"]).stdout);
    expect(vpa(["apikey", "revoke", String(revoked.id)]).status).toBe(0);
    expect(vpa(["apikey", "revoke", String(revoked.id)]).status).toBe(1);

    const port = await freePort();
    const child: ChildProcess = spawn(NODE, ["apps/cli/src/main.ts", "worker", "api"], {
      cwd: ROOT,
      env: { ...environment(), API_PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!output.includes('"worker started"')) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`api did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect(await (await fetch(`${base}/ready`)).json()).toMatchObject({ status: "ready" });
      const signals = await fetch(`${base}/api/v1/signals`, {
        headers: { authorization: `Bearer ${reader.key}` },
      });
      expect(signals.status).toBe(200);
      expect(await signals.json()).toEqual({ signals: [], next: null });
      const refused = await fetch(`${base}/api/v1/signals`, {
        headers: { authorization: `Bearer ${revoked.key}` },
      });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { code: string }).code).toBe("KEY_REVOKED");
      expect(await (await fetch(`${base}/metrics`)).text()).toContain(
        "vpa_http_request_duration_seconds_bucket",
      );
      // POST /scan runs the scanner's own scanMarket, loaded on first use (no bars here: nothing to scan).
      const scan = await fetch(`${base}/api/v1/scan`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin.key}`, "content-type": "application/json" },
        body: "{}",
      });
      expect(scan.status).toBe(202);
      expect(await scan.json()).toEqual({ symbols: 0, scanId: null });
      const dashboard = await fetch(`${base}/dashboard/`);
      expect(await dashboard.text()).toContain("Thị trường hôm nay · Market today");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(output).toContain('"shutting down"');
    expect(output).not.toContain(reader.key);
  });
});
