import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { QueueConnection } from "@vpa/runtime";

const ROOT = resolve(import.meta.dirname, "..");
const NODE = resolve(ROOT, "node_modules/.bin/node");
const MAIN = resolve(ROOT, "apps/cli/src/main.ts");

export interface VpaRun {
  /** The exit code; null when the process was killed (`timeoutMs` passed). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a `vpa` process on a test's own database and queue prefix, and nothing of the
 * machine's (no stray DATABASE_URL or ALERT_* from the shell running the tests).
 */
export function vpaEnvironment(
  database: { readonly url: string },
  connection: QueueConnection,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    DATABASE_URL: database.url,
    REDIS_URL: connection.redisUrl,
    QUEUE_PREFIX: connection.prefix,
    ...extra,
  };
}

/**
 * Runs `vpa <args>` as a user types it (the project's Node, from the repository root). Spawned,
 * not spawnSync: a stand-in server living in the test process keeps answering while it runs. Killed
 * after `timeoutMs`, so a hang fails the test with what the process had printed.
 */
export function runVpa(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 60_000,
): Promise<VpaRun> {
  return new Promise((done, fail) => {
    const child = spawn(NODE, [MAIN, ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
