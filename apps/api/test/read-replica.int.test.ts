/**
 * DATABASE_READ_URL as an operator runs it (issue 15, item 3): `vpa worker api` with the primary
 * and the "replica" on two different databases holding different rows, so every answer says
 * which pool it came from. The GET routes read the replica; a write (POST /subscriptions) and the
 * key check go to the primary; /ready checks both; a replica that does not answer stops the start
 * with one line naming DATABASE_READ_URL, as the primary's does.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { insertApiKey, insertSignals, upsertBars, upsertStocks } from "@vpa/db";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { freePort } from "../../../test-support/free-port.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { generateApiKeySecret, hashApiKeySecret } from "../src/api-key-secret.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const NODE = resolve(ROOT, "node_modules/.bin/node");
const POSTGRES_PASSWORD = "replica-secret-4d1e";

let primary: TestDatabase;
let replica: TestDatabase;
let adminKey: string;
const queues = testQueueConnection();

/** One stock with one bar and one signal of its own type and score in the given database. */
async function storeSignal(database: TestDatabase, type: string, score: number): Promise<void> {
  const ids = await upsertStocks(database.db, [{ symbol: "VCB", exchange: "HOSE", name: "Vietcombank" }]);
  const stockId = ids.get("VCB") as number;
  const bar = { time: "2024-03-01", open: 90, high: 92, low: 89, close: 91, volume: 1_500_000 };
  await upsertBars(database.db, stockId, "1D", [bar]);
  await insertSignals(database.db, stockId, "1D", [
    {
      time: bar.time,
      type,
      bias: "bull",
      score,
      confidence: 0.7,
      priority: "MEDIUM",
      variant: null,
      features: { vr: 2.5, sr: 1.4, cl: 0.8, trend: "up" },
      close: bar.close,
      volume: bar.volume,
      priceChange: 0.01,
    },
  ]);
}

function environment(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    DATABASE_URL: primary.url,
    REDIS_URL: queues.redisUrl,
    QUEUE_PREFIX: queues.prefix,
    LOG_LEVEL: "info",
    SHUTDOWN_TIMEOUT_MS: "5000",
    ...extra,
  };
}

/** `vpa <args>` as a child process, killed after 30 s so that a hang fails rather than stalls. */
function startVpa(args: readonly string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(NODE, ["apps/cli/src/main.ts", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk) => (output.stdout += chunk));
  child.stderr?.on("data", (chunk) => (output.stderr += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const exited = new Promise<number | null>((done) =>
    child.on("exit", (code) => {
      clearTimeout(killer);
      done(code);
    }),
  );
  return { child, output, exited };
}

beforeAll(async () => {
  [primary, replica] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await storeSignal(primary, "UPTHRUST", 88);
  await storeSignal(replica, "SPRING", 61);
  // The key exists on the primary only: the key check must not read the replica.
  adminKey = generateApiKeySecret();
  await insertApiKey(primary.db, { name: "ops", role: "admin", secretHash: hashApiKeySecret(adminKey) });
});
afterAll(async () => {
  await removeQueuePrefix(queues);
  await Promise.all([primary?.drop(), replica?.drop()]);
});

describe("vpa worker api with DATABASE_READ_URL", () => {
  it("answers GETs from the read database, writes to the primary, and checks both on /ready", async () => {
    const port = await freePort();
    const api = startVpa(
      ["worker", "api"],
      environment({ API_PORT: String(port), DATABASE_READ_URL: replica.url }),
    );
    try {
      const deadline = Date.now() + 30_000;
      while (!api.output.stdout.includes('"worker started"')) {
        if (Date.now() > deadline || api.child.exitCode !== null) {
          throw new Error(`api did not start:\n${api.output.stdout}${api.output.stderr}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const base = `http://127.0.0.1:${port}/api/v1`;
      const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };

      const signals = (await (await fetch(`${base}/signals`, { headers })).json()) as {
        signals: { type: string; score: number }[];
      };
      expect(signals.signals.map((s) => [s.type, s.score])).toEqual([["SPRING", 61]]);

      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: "ready",
        checks: { redis: "ok", postgres: "ok", "postgres-read": "ok" },
      });

      const created = await fetch(`${base}/subscriptions`, {
        method: "POST",
        headers,
        body: JSON.stringify({ channel: "email", address: "desk@example.com", minScore: 70 }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const addresses = async (database: TestDatabase) =>
        (await database.db.selectFrom("subscribers").select("address").execute()).map((r) => r.address);
      expect(await addresses(primary)).toEqual(["desk@example.com"]);
      expect(await addresses(replica)).toEqual([]);
      // The caller's own subscriptions are read where they were written, so it sees the new one.
      const own = (await (await fetch(`${base}/subscriptions`, { headers })).json()) as {
        subscriptions: { address: string }[];
      };
      expect(own.subscriptions.map((s) => s.address)).toEqual(["desk@example.com"]);

      // A read database that stops taking connections takes the API out of service (503), not the pod down.
      await sql`alter database ${sql.id(replica.name)} with allow_connections false`.execute(primary.db);
      try {
        await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${replica.name} and pid <> pg_backend_pid()`.execute(
          primary.db,
        );
        const down = await fetch(`http://127.0.0.1:${port}/ready`);
        expect(down.status).toBe(503);
        const body = (await down.json()) as { checks: Record<string, string> };
        expect(body.checks.postgres).toBe("ok");
        // pg_terminate_backend does not wait: /ready may meet the pooled connection as it is cut
        // ("terminating connection") or a new one being refused; either way it names the cause.
        expect(body.checks["postgres-read"]).toMatch(
          /not currently accepting connections|terminating connection/i,
        );
      } finally {
        await sql`alter database ${sql.id(replica.name)} with allow_connections true`.execute(primary.db);
      }
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    } finally {
      api.child.kill("SIGTERM");
    }
    expect(await api.exited).toBe(0);
  });

  it("stops at start with one line naming DATABASE_READ_URL when the read database does not answer", async () => {
    const unreachable = `postgres://vpa:${POSTGRES_PASSWORD}@127.0.0.1:${await freePort()}/vpa_replica`;
    const started = Date.now();
    const api = startVpa(
      ["worker", "api"],
      environment({ API_PORT: String(await freePort()), DATABASE_READ_URL: unreachable }),
    );
    const code = await api.exited;
    const lines = api.output.stderr.trim().split("\n");
    expect(code, `${api.output.stdout}${api.output.stderr}`).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^vpa: cannot reach PostgreSQL at postgres:\/\/vpa:\*\*\*@127\.0\.0\.1:\d+\/vpa_replica \(ECONNREFUSED\) — start it with \.\/vpa services up, or set DATABASE_READ_URL$/,
    );
    expect(`${api.output.stdout}${api.output.stderr}`).not.toContain(POSTGRES_PASSWORD);
  });
});

describe("vpa signals with DATABASE_READ_URL", () => {
  it("lists the read database's signals", async () => {
    const run = startVpa(["signals", "--json"], environment({ DATABASE_READ_URL: replica.url }));
    expect(await run.exited, run.output.stderr).toBe(0);
    const listed = run.output.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; score: number });
    expect(listed.map((s) => [s.type, s.score])).toEqual([["SPRING", 61]]);
  });

  it("without it, lists the primary's", async () => {
    const run = startVpa(["signals", "--json"], environment({}));
    expect(await run.exited, run.output.stderr).toBe(0);
    expect(JSON.parse(run.output.stdout.trim()) as { type: string }).toMatchObject({ type: "UPTHRUST" });
  });

  it("names DATABASE_READ_URL in one line when the read database does not exist", async () => {
    const missing = new URL(replica.url);
    missing.pathname = "/vpa_no_such_replica";
    const run = startVpa(["signals"], environment({ DATABASE_READ_URL: missing.toString() }));
    expect(await run.exited).toBe(1);
    const lines = run.output.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^vpa: PostgreSQL at postgres:\/\/\S+\/vpa_no_such_replica: database "vpa_no_such_replica" does not exist \(3D000: .*\) — create it with \.\/vpa services up, or set DATABASE_READ_URL$/,
    );
  });
});
