import { spawn } from "node:child_process";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { isProcessRunning, sleep, waitForProcessExit } from "./process-liveness.ts";
import { probeRedis, shutdownRedis } from "./redis-probe.ts";
import { lastLines } from "./run-command.ts";
import { bindAddressFor, type RedisEndpoint } from "./service-url.ts";
import { ServicesError } from "./services-error.ts";
import type { PrivateServiceRecord } from "./services-state-file.ts";

/** Substring of a private Redis's command line, to tell it from whatever reused its pid. */
export const redisProcessName = "redis-server";

export interface PrivateRedisLayout {
  directory: string;
  configFile: string;
  pidFile: string;
  logFile: string;
}

export function privateRedisLayout(projectDataDir: string): PrivateRedisLayout {
  const directory = path.join(projectDataDir, "redis");
  return {
    directory,
    configFile: path.join(directory, "redis.conf"),
    pidFile: path.join(directory, "redis.pid"),
    logFile: path.join(directory, "redis.log"),
  };
}

function quoteConfigValue(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** The settings BullMQ needs in production (AOF, noeviction), on loopback only. */
function renderConfig(layout: PrivateRedisLayout, endpoint: RedisEndpoint): string {
  const lines = [
    "# Written by `vpa services up`; rewritten on every start.",
    `port ${endpoint.port}`,
    `bind ${bindAddressFor(endpoint.host)}`,
    "protected-mode yes",
    `dir ${quoteConfigValue(layout.directory)}`,
    "appendonly yes",
    "appendfsync everysec",
    "maxmemory-policy noeviction",
    "daemonize no",
    `pidfile ${quoteConfigValue(layout.pidFile)}`,
    `logfile ${quoteConfigValue(layout.logFile)}`,
  ];
  // The URL's password is the one clients will send; a private server must accept it.
  if (endpoint.password !== undefined) {
    if (endpoint.username === undefined || endpoint.username === "default") {
      lines.push(`requirepass ${quoteConfigValue(endpoint.password)}`);
    } else {
      lines.push(
        `user ${quoteConfigValue(endpoint.username)} on ${quoteConfigValue(`>${endpoint.password}`)} ~* &* +@all`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

async function readLogTail(logFile: string): Promise<string> {
  const text = await readFile(logFile, "utf8").catch(() => "");
  return text === "" ? "(log is empty)" : lastLines(text, 15);
}

async function removeStalePidFile(layout: PrivateRedisLayout, log: (line: string) => void): Promise<void> {
  const pid = Number((await readFile(layout.pidFile, "utf8").catch(() => "")).trim());
  if (!(pid > 0)) return;
  if (await isProcessRunning(pid, redisProcessName)) {
    throw new ServicesError(
      "SERVICES_STATE_CONFLICT",
      `redis: a Redis using ${layout.directory} is already running (pid ${pid}) but does not answer at the configured port. Stop it (kill ${pid}) or point REDIS_URL at it.`,
    );
  }
  log(`redis: removing stale pidfile ${layout.pidFile} (pid ${pid} is not running)`);
  await unlink(layout.pidFile).catch(() => {});
}

export interface StartPrivateRedisInput {
  redisServer: string;
  endpoint: RedisEndpoint;
  projectDataDir: string;
  connectTimeoutMs: number;
  startTimeoutMs: number;
  log: (line: string) => void;
}

/** Starts redis-server as a detached process and waits until it answers PING. */
export async function startPrivateRedis(input: StartPrivateRedisInput): Promise<PrivateServiceRecord> {
  const layout = privateRedisLayout(input.projectDataDir);
  await mkdir(layout.directory, { recursive: true, mode: 0o700 });
  await removeStalePidFile(layout, input.log);
  // 0600: it may hold the password.
  await writeFile(layout.configFile, renderConfig(layout, input.endpoint), { mode: 0o600 });

  const child = spawn(input.redisServer, [layout.configFile], {
    cwd: layout.directory,
    detached: true,
    stdio: "ignore",
  });
  let exit: string | undefined;
  let spawnError: Error | undefined;
  child.once("exit", (code, signal) => {
    exit = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
  });
  child.once("error", (error) => {
    spawnError = error;
  });
  // The server must outlive this command.
  child.unref();

  const deadline = Date.now() + input.startTimeoutMs;
  for (;;) {
    if (spawnError !== undefined) {
      throw new ServicesError(
        "SERVICES_START_FAILED",
        `redis: could not run ${input.redisServer}: ${spawnError.message}`,
        {
          cause: spawnError,
        },
      );
    }
    if (exit !== undefined) {
      throw new ServicesError(
        "SERVICES_START_FAILED",
        `redis: redis-server ${exit} right after starting. Last lines of ${layout.logFile}:\n${await readLogTail(layout.logFile)}`,
      );
    }
    const probe = await probeRedis(input.endpoint, input.connectTimeoutMs);
    if (probe.listener === "ready" && child.pid !== undefined) break;
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new ServicesError(
        "SERVICES_START_FAILED",
        `redis: redis-server did not answer within ${input.startTimeoutMs} ms (${probe.detail}). Last lines of ${layout.logFile}:\n${await readLogTail(layout.logFile)}`,
      );
    }
    await sleep(100);
  }
  return {
    name: "redis",
    pid: child.pid,
    host: input.endpoint.host,
    port: input.endpoint.port,
    dataDir: layout.directory,
    startedAt: new Date().toISOString(),
    logFile: layout.logFile,
  };
}

/**
 * SHUTDOWN (which writes the AOF and a snapshot) and wait for the process to exit; SIGTERM (the
 * same graceful shutdown) if the command cannot be sent, e.g. the password changed since.
 */
export async function stopPrivateRedis(
  record: PrivateServiceRecord,
  endpoint: RedisEndpoint,
  connectTimeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  try {
    await shutdownRedis(endpoint, connectTimeoutMs);
  } catch (error) {
    log(`redis: SHUTDOWN failed (${(error as Error).message}); sending SIGTERM to pid ${record.pid}`);
    process.kill(record.pid, "SIGTERM");
  }
  if (await waitForProcessExit(record.pid, redisProcessName, 15_000)) return;
  process.kill(record.pid, "SIGTERM");
  if (await waitForProcessExit(record.pid, redisProcessName, 5_000)) return;
  throw new ServicesError(
    "SERVICES_STOP_FAILED",
    `redis: the private Redis (pid ${record.pid}) did not exit; see ${record.logFile}`,
  );
}
