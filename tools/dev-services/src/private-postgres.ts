import { chmod, mkdir, readdir, readFile, rm, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { PostgresBinaries } from "./find-binaries.ts";
import { probePostgresServer } from "./postgres-probe.ts";
import { isProcessRunning, sleep, waitForProcessExit } from "./process-liveness.ts";
import { type CommandIdentity, describeCommandFailure, lastLines, runCommand } from "./run-command.ts";
import type { ServiceAccount } from "./service-account.ts";
import { bindAddressFor, type PostgresEndpoint } from "./service-url.ts";
import { ServicesError } from "./services-error.ts";
import type { PrivateServiceRecord } from "./services-state-file.ts";

/** Substring of the postmaster's command line, to tell it from whatever reused its pid. */
export const postgresProcessName = "postgres";

export interface PrivatePostgresLayout {
  /** Owned by the account PostgreSQL runs as; everything below is its. */
  directory: string;
  /** PGDATA. */
  clusterDir: string;
  socketDir: string;
  logFile: string;
}

export function privatePostgresLayout(projectDataDir: string): PrivatePostgresLayout {
  const directory = path.join(projectDataDir, "postgres");
  return {
    directory,
    clusterDir: path.join(directory, "data"),
    socketDir: path.join(directory, "run"),
    logFile: path.join(directory, "postgres.log"),
  };
}

/** The major version a cluster was created with, to pick matching binaries. */
export async function readClusterMajor(projectDataDir: string): Promise<string | undefined> {
  const text = await readFile(
    path.join(privatePostgresLayout(projectDataDir).clusterDir, "PG_VERSION"),
    "utf8",
  ).catch(() => undefined);
  return text?.trim();
}

function identityOf(account: ServiceAccount | undefined): CommandIdentity | undefined {
  return account === undefined ? undefined : { uid: account.uid, gid: account.gid };
}

/** For pg_ctl -o, which hands its options to /bin/sh. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

async function canTraverse(directory: string, account: ServiceAccount): Promise<boolean> {
  const result = await runCommand("/bin/sh", ["-c", 'test -x "$1"', "sh", directory], {
    as: identityOf(account),
    cwd: "/",
    timeoutMs: 5_000,
  });
  return result.exitCode === 0;
}

/** The first directory on the way to `target` that `account` may not enter, for the error message. */
async function findBlockingAncestor(target: string, account: ServiceAccount): Promise<string> {
  const ancestors: string[] = [];
  for (let current = target; ; current = path.dirname(current)) {
    ancestors.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const ancestor of ancestors) {
    const result = await runCommand("/bin/sh", ["-c", 'test -x "$1"', "sh", ancestor], {
      as: identityOf(account),
      cwd: "/",
      timeoutMs: 5_000,
    });
    if (result.exitCode !== 0) return ancestor;
  }
  return target;
}

/**
 * When root runs PostgreSQL as another account, that account must reach `<dataDir>/postgres`.
 * vpa opens the project data directory for traversal (o+x, no listing) when it owns it; it never
 * changes directories above it and says which one blocks instead.
 */
async function prepareDirectories(
  layout: PrivatePostgresLayout,
  projectDataDir: string,
  account: ServiceAccount | undefined,
  log: (line: string) => void,
): Promise<void> {
  if (account !== undefined && !(await canTraverse(projectDataDir, account))) {
    const mode = (await stat(projectDataDir)).mode & 0o777;
    if ((mode & 0o001) === 0) {
      await chmod(projectDataDir, mode | 0o001);
      log(
        `postgres: allowed other users to traverse ${projectDataDir} so ${account.name} can reach its data`,
      );
    }
    if (!(await canTraverse(projectDataDir, account))) {
      const blocking = await findBlockingAncestor(projectDataDir, account);
      throw new ServicesError(
        "SERVICES_PERMISSION_DENIED",
        `postgres: PostgreSQL runs as the user ${account.name} (it refuses root), who cannot enter ${blocking}. Allow it (chmod o+x ${blocking}) or use a data directory outside it.`,
      );
    }
  }
  await mkdir(layout.directory, { recursive: true, mode: 0o700 });
  if (account !== undefined) {
    const owner = (await stat(layout.directory)).uid;
    if (owner !== account.uid) {
      const result = await runCommand("chown", ["-R", `${account.uid}:${account.gid}`, layout.directory], {
        timeoutMs: 60_000,
      });
      if (result.exitCode !== 0) {
        throw new ServicesError(
          "SERVICES_PERMISSION_DENIED",
          `postgres: cannot give ${layout.directory} to ${account.name}: ${describeCommandFailure("chown", result)}`,
        );
      }
    }
  } else {
    const owner = (await stat(layout.directory)).uid;
    if (owner !== process.getuid?.()) {
      throw new ServicesError(
        "SERVICES_PERMISSION_DENIED",
        `postgres: ${layout.directory} belongs to another user (uid ${owner}); PostgreSQL must run as its owner. Run vpa services up as that user or remove the directory.`,
      );
    }
  }
  const socketDirResult = await runCommand("mkdir", ["-p", "-m", "0700", layout.socketDir], {
    as: identityOf(account),
    cwd: layout.directory,
    timeoutMs: 5_000,
  });
  if (socketDirResult.exitCode !== 0) {
    throw new ServicesError(
      "SERVICES_PERMISSION_DENIED",
      `postgres: cannot create ${layout.socketDir}: ${describeCommandFailure("mkdir", socketDirResult)}`,
    );
  }
}

async function initializeCluster(
  layout: PrivatePostgresLayout,
  binaries: PostgresBinaries,
  endpoint: PostgresEndpoint,
  account: ServiceAccount | undefined,
  log: (line: string) => void,
): Promise<void> {
  const versionFile = path.join(layout.clusterDir, "PG_VERSION");
  if (await stat(versionFile).catch(() => undefined)) return;
  // A cluster directory without PG_VERSION is an initdb that died half-way: nothing to keep.
  const leftovers = await readdir(layout.clusterDir).catch(() => []);
  if (leftovers.length > 0) {
    log(`postgres: removing incomplete cluster directory ${layout.clusterDir}`);
    await rm(layout.clusterDir, { recursive: true, force: true });
  }
  const result = await runCommand(
    binaries.initdb,
    ["-D", layout.clusterDir, "-U", endpoint.user, "--auth=trust", "--encoding=UTF8", "--locale=C"],
    { as: identityOf(account), cwd: layout.directory, timeoutMs: 180_000 },
  );
  if (result.exitCode !== 0) {
    throw new ServicesError(
      "SERVICES_START_FAILED",
      `postgres: ${describeCommandFailure(binaries.initdb, result)}`,
    );
  }
  log(`postgres: initialized cluster in ${layout.clusterDir} (superuser ${endpoint.user}, trust auth, UTF8)`);
}

async function readPostmasterPid(layout: PrivatePostgresLayout): Promise<number | undefined> {
  const text = await readFile(path.join(layout.clusterDir, "postmaster.pid"), "utf8").catch(() => "");
  const pid = Number(text.split("\n")[0]);
  return pid > 0 ? pid : undefined;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A postmaster.pid left by a crash. When its pid no longer exists PostgreSQL cleans up by itself,
 * and also refuses to start while orphaned backends still hold the old shared memory: leave the
 * file to it. Only when the pid exists but is not a live postmaster (a zombie nobody reaped, or a
 * reused pid) would PostgreSQL wrongly wait for it: then remove the file and the socket locks.
 */
async function removeStalePostmasterPid(
  layout: PrivatePostgresLayout,
  log: (line: string) => void,
): Promise<void> {
  const pid = await readPostmasterPid(layout);
  if (pid === undefined) return;
  if (await isProcessRunning(pid, postgresProcessName)) {
    throw new ServicesError(
      "SERVICES_STATE_CONFLICT",
      `postgres: a PostgreSQL using ${layout.clusterDir} is already running (pid ${pid}) but does not answer at the configured port. Stop it (pg_ctl stop -D ${layout.clusterDir}) or point DATABASE_URL at it.`,
    );
  }
  if (!processExists(pid)) return;
  log(`postgres: removing stale postmaster.pid (pid ${pid} is a zombie or another program)`);
  await unlink(path.join(layout.clusterDir, "postmaster.pid")).catch(() => {});
  for (const entry of await readdir(layout.socketDir).catch(() => [])) {
    if (entry.startsWith(".s.PGSQL.")) await unlink(path.join(layout.socketDir, entry)).catch(() => {});
  }
}

/** Unix socket paths are limited to 107 bytes; past that, TCP only (vpa connects over TCP anyway). */
function socketDirectoryFor(layout: PrivatePostgresLayout, port: number): string {
  return `${layout.socketDir}/.s.PGSQL.${port}`.length <= 100 ? layout.socketDir : "";
}

async function readLogTail(logFile: string): Promise<string> {
  const text = await readFile(logFile, "utf8").catch(() => "");
  return text === "" ? "(log is empty)" : lastLines(text, 15);
}

export interface StartPrivatePostgresInput {
  binaries: PostgresBinaries;
  endpoint: PostgresEndpoint;
  projectDataDir: string;
  account: ServiceAccount | undefined;
  connectTimeoutMs: number;
  startTimeoutMs: number;
  log: (line: string) => void;
}

/** initdb (first time only), pg_ctl start -w, then wait until it accepts connections. */
export async function startPrivatePostgres(input: StartPrivatePostgresInput): Promise<PrivateServiceRecord> {
  const layout = privatePostgresLayout(input.projectDataDir);
  await prepareDirectories(layout, input.projectDataDir, input.account, input.log);
  await initializeCluster(layout, input.binaries, input.endpoint, input.account, input.log);
  await removeStalePostmasterPid(layout, input.log);

  const serverOptions = [
    `-p ${input.endpoint.port}`,
    `-k ${shellQuote(socketDirectoryFor(layout, input.endpoint.port))}`,
    `-c listen_addresses=${shellQuote(bindAddressFor(input.endpoint.host))}`,
  ].join(" ");
  const waitSeconds = Math.max(1, Math.ceil(input.startTimeoutMs / 1000));
  const result = await runCommand(
    input.binaries.pgCtl,
    [
      "start",
      "-D",
      layout.clusterDir,
      "-l",
      layout.logFile,
      "-w",
      "-t",
      String(waitSeconds),
      "-o",
      serverOptions,
    ],
    { as: identityOf(input.account), cwd: layout.directory, timeoutMs: input.startTimeoutMs + 10_000 },
  );
  if (result.exitCode !== 0) {
    throw new ServicesError(
      "SERVICES_START_FAILED",
      `postgres: ${describeCommandFailure("pg_ctl start", result)}\nLast lines of ${layout.logFile}:\n${await readLogTail(layout.logFile)}`,
    );
  }

  const deadline = Date.now() + input.startTimeoutMs;
  for (;;) {
    const probe = await probePostgresServer(input.endpoint, input.connectTimeoutMs);
    if (probe.listener === "ready") break;
    if (Date.now() > deadline) {
      throw new ServicesError(
        "SERVICES_START_FAILED",
        `postgres: the cluster started but does not answer at port ${input.endpoint.port} (${probe.detail}). Last lines of ${layout.logFile}:\n${await readLogTail(layout.logFile)}`,
      );
    }
    await sleep(100);
  }
  const pid = await readPostmasterPid(layout);
  if (pid === undefined) {
    throw new ServicesError(
      "SERVICES_START_FAILED",
      `postgres: started, but ${layout.clusterDir}/postmaster.pid is missing`,
    );
  }
  const record: PrivateServiceRecord = {
    name: "postgres",
    pid,
    host: input.endpoint.host,
    port: input.endpoint.port,
    dataDir: layout.clusterDir,
    startedAt: new Date().toISOString(),
    logFile: layout.logFile,
    pgCtl: input.binaries.pgCtl,
  };
  if (input.account !== undefined) record.osUser = input.account.name;
  return record;
}

/** pg_ctl stop -m fast as the cluster's user; SIGINT (the same fast shutdown) if pg_ctl is unusable. */
export async function stopPrivatePostgres(
  record: PrivateServiceRecord,
  account: ServiceAccount | undefined,
  log: (line: string) => void,
): Promise<void> {
  let stopped = false;
  if (record.pgCtl !== undefined) {
    const result = await runCommand(
      record.pgCtl,
      ["stop", "-D", record.dataDir, "-m", "fast", "-w", "-t", "30"],
      {
        as: identityOf(account),
        cwd: "/",
        timeoutMs: 40_000,
      },
    ).catch((error: unknown) => {
      log(`postgres: could not run pg_ctl stop (${(error as Error).message})`);
      return undefined;
    });
    stopped = result?.exitCode === 0;
    if (result !== undefined && !stopped) log(`postgres: ${describeCommandFailure("pg_ctl stop", result)}`);
  }
  if (!stopped) {
    log(`postgres: sending SIGINT (fast shutdown) to pid ${record.pid}`);
    process.kill(record.pid, "SIGINT");
  }
  // pg_ctl -w returns once the postmaster is gone; this also covers the signal path and zombies.
  if (await waitForProcessExit(record.pid, postgresProcessName, 30_000)) return;
  throw new ServicesError(
    "SERVICES_STOP_FAILED",
    `postgres: the private cluster (pid ${record.pid}) did not stop; see ${record.logFile}`,
  );
}
