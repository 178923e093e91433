import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.ts";

const run = promisify(execFile);

/** One redis-server of a test's own Redis Cluster. */
export interface ClusterNodeProcess {
  readonly port: number;
  readonly process: ChildProcess;
}

/**
 * A real Redis Cluster of its own for a test: `masters` masters with one replica each
 * (`redis-cli --cluster create --cluster-replicas 1`), on free ports, in a temporary directory,
 * no persistence. `stop()` kills every server and deletes the directory.
 */
export interface TestRedisCluster {
  /** `127.0.0.1:<port>` of every node, as REDIS_CLUSTER_NODES takes them. */
  readonly nodes: readonly string[];
  /** The node now serving `key`'s slot as master (it changes after a failover). */
  masterOf(key: string): Promise<ClusterNodeProcess>;
  /** SIGKILLs one node (a crash, not a shutdown) and waits until the cluster reports ok again. */
  killAndAwaitFailover(node: ClusterNodeProcess, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-p", String(port), ...args], { timeout: 10_000 });
  return stdout;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether nothing listens on this port of 127.0.0.1 right now. */
async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/**
 * A port for a cluster node: free, and so is its cluster bus port (port + 10000, which must stay
 * below 65536). A free port whose bus port was taken made redis-server exit at start.
 */
async function freeNodePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return port;
  }
  throw new Error("redis cluster: no free port with a free bus port");
}

/**
 * One redis-server in cluster mode, answering PING. Another process may take a port between the
 * check and the bind (other test files run beside this one): a server that exits at start is
 * started again on other ports, up to three times.
 */
async function startNode(directory: string, nodeTimeoutMs: number): Promise<ClusterNodeProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeNodePort();
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--cluster-node-timeout",
        String(nodeTimeoutMs),
        "--dir",
        directory,
        "--save",
        "",
        "--appendonly",
        "no",
        // A replica that has not finished its first sync cannot be promoted: sync at once.
        "--repl-diskless-sync-delay",
        "0",
        // BullMQ's production rule, kept in the test: Redis must never evict a job.
        "--maxmemory-policy",
        "noeviction",
      ],
      { stdio: "ignore" },
    );
    const exited = () => child.exitCode !== null || child.signalCode !== null;
    try {
      await waitFor(
        async () => {
          if (exited()) throw new Error("exited");
          return (await redisCli(port, "ping")).trim() === "PONG";
        },
        10_000,
        `node ${port} up`,
      );
      return { port, process: child };
    } catch (error) {
      if (!exited()) child.kill("SIGKILL");
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * Starts the servers, joins them into a cluster and waits for `cluster_state:ok` on every node.
 * `nodeTimeoutMs` is cluster-node-timeout: how long a silent master has before its replica takes
 * over (Redis's default 15 s; 3 s here: a failover test stays quick, and a node slowed by a loaded
 * machine is not taken for dead, which with 1 s set off failovers nobody asked for).
 */
export async function startRedisCluster(
  options: { masters?: number; nodeTimeoutMs?: number } = {},
): Promise<TestRedisCluster> {
  const count = (options.masters ?? 3) * 2;
  const directory = await mkdtemp(join(tmpdir(), "vpa-redis-cluster-"));
  const servers: ClusterNodeProcess[] = [];
  // A test process that ends without stop() (a crash, an interrupted run) takes its servers along.
  const killOnExit = () => {
    for (const { process: child } of servers) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    await Promise.all(
      servers.map(
        ({ process: child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
    await rm(directory, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) servers.push(await startNode(directory, options.nodeTimeoutMs ?? 3_000));
    await run(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...servers.map(({ port }) => `127.0.0.1:${port}`),
        "--cluster-replicas",
        "1",
        "--cluster-yes",
      ],
      { timeout: 30_000 },
    );
    const allOk = async () => {
      for (const { port, process: child } of servers) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        if (!(await redisCli(port, "cluster", "info")).includes("cluster_state:ok")) return false;
      }
      return true;
    };
    await waitFor(allOk, 30_000, "cluster_state:ok");
    // Only a replica in sync with its master can take over from it.
    await waitFor(
      async () => {
        for (const { port } of servers) {
          const info = await redisCli(port, "info", "replication");
          if (info.includes("role:slave") && !info.includes("master_link_status:up")) return false;
        }
        return true;
      },
      30_000,
      "replicas in sync",
    );
    const live = () =>
      servers.filter(({ process: child }) => child.exitCode === null && child.signalCode === null);
    return {
      nodes: servers.map(({ port }) => `127.0.0.1:${port}`),
      async masterOf(key) {
        const probe = live()[0];
        if (probe === undefined) throw new Error("redis cluster: no node left");
        const slot = Number((await redisCli(probe.port, "cluster", "keyslot", key)).trim());
        // CLUSTER NODES: `<id> <ip:port@cport> <flags> <master> ... <slot-range>...`
        for (const line of (await redisCli(probe.port, "cluster", "nodes")).split("\n")) {
          const fields = line.trim().split(" ");
          const flags = fields[2] ?? "";
          if (!flags.includes("master") || flags.includes("fail")) continue;
          const owns = fields.slice(8).some((range) => {
            const [from, to] = range.split("-").map(Number);
            return from !== undefined && slot >= from && slot <= (to ?? from);
          });
          const port = Number(/:(\d+)@/.exec(fields[1] ?? "")?.[1]);
          const server = servers.find((candidate) => candidate.port === port);
          if (owns && server !== undefined) return server;
        }
        throw new Error(`redis cluster: no master for slot ${slot}`);
      },
      async killAndAwaitFailover(node, timeoutMs = 30_000) {
        await new Promise<void>((resolve) => {
          node.process.once("exit", () => resolve());
          node.process.kill("SIGKILL");
        });
        // The survivors agree the master failed (`fail`, not the suspicion `fail?`), its replica
        // is promoted, and every live node says the cluster is ok again.
        await waitFor(
          async () => {
            const probe = live()[0];
            if (probe === undefined) return false;
            const killed = (await redisCli(probe.port, "cluster", "nodes"))
              .split("\n")
              .find((line) => line.includes(`:${node.port}@`));
            return (
              killed !== undefined && /\bfail\b(?!\?)/.test(killed.split(" ")[2] ?? "") && (await allOk())
            );
          },
          timeoutMs,
          "failover",
        );
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
