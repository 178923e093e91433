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

/** The variables that point a `vpa` process at a test's own database and, if given, queue prefix. */
export function vpaEnvironment(
  database: { readonly url: string },
  connection?: QueueConnection,
): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    ...(connection === undefined ? {} : { REDIS_URL: connection.redisUrl, QUEUE_PREFIX: connection.prefix }),
  };
}

/**
 * Runs `vpa <args>` as a user types it (the project's Node, from the repository root), with `env`
 * and PATH and HOME only: nothing of the shell running the tests (no stray DATABASE_URL or ALERT_*).
 * Spawned, not spawnSync: a stand-in server living in the test process keeps answering while it
 * runs. Killed after `timeoutMs`, so a hang fails the test with what the process had printed.
 */
export function runVpa(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 60_000,
): Promise<VpaRun> {
  return new Promise((done, fail) => {
    const child = spawn(NODE, [MAIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
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
