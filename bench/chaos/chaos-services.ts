/**
 * The Redis and PostgreSQL a chaos run may break: private servers started by the project's own
 * `vpa services` code (`tools/dev-services/src/`) in a directory under /tmp, on free ports, so the
 * suite can `kill -9` Redis (which then replays its AOF, `appendfsync everysec`) and stop and start
 * PostgreSQL (`pg_ctl stop -m fast`, run as the unprivileged account PostgreSQL needs), without
 * touching the machine's shared servers. `useExistingServices` wraps servers someone else runs
 * (the CI smoke test): those cannot be broken.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../test-support/free-port.ts";
import { stopPrivatePostgres } from "../../tools/dev-services/src/private-postgres.ts";
import { isProcessRunning, waitForProcessExit } from "../../tools/dev-services/src/process-liveness.ts";
import { resolvePostgresAccount } from "../../tools/dev-services/src/service-account.ts";
import { servicesDown, servicesUp } from "../../tools/dev-services/src/services-manager.ts";
import { readServicesState } from "../../tools/dev-services/src/services-state-file.ts";

export interface ChaosServices {
  readonly redisUrl: string;
  /** Server URL without a database, e.g. `postgres://postgres@127.0.0.1:5433`. */
  readonly postgresServerUrl: string;
  /** False for servers the suite did not start: the scenarios that break them are skipped. */
  readonly breakable: boolean;
  /** SIGKILL to redis-server: no SHUTDOWN, no final AOF write. */
  killRedis(): Promise<void>;
  /** Starts Redis again from the same directory; it replays its AOF. */
  startRedis(): Promise<void>;
  /** `pg_ctl stop -m fast`: connections are cut, the cluster shuts down cleanly. */
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** Stops what was started and removes its directory (unless kept). */
  close(): Promise<void>;
}

/** The shared test helper: a TCP port nobody listens on right now. */
export { freePort };

export interface PrivateServicesOptions {
  /** Keep the directory (logs, data) after close. */
  readonly keep?: boolean;
  readonly log: (line: string) => void;
}

/** Private Redis (AOF, fsync every second, noeviction) and PostgreSQL in a fresh /tmp directory. */
export async function startPrivateServices(options: PrivateServicesOptions): Promise<ChaosServices> {
  const dataDir = await mkdtemp(join(tmpdir(), "vpa-chaos-"));
  const redisUrl = `redis://127.0.0.1:${await freePort()}`;
  const postgresServerUrl = `postgres://postgres@127.0.0.1:${await freePort()}`;
  const servicesOptions = {
    dataDir,
    redisUrl,
    databaseUrl: `${postgresServerUrl}/postgres`,
    allowInstall: false,
    log: (line: string) => options.log(`  services: ${line}`),
  };
  const up = async (): Promise<void> => {
    await servicesUp(servicesOptions);
  };
  const recordOf = async (name: "redis" | "postgres") => {
    const record = (await readServicesState(dataDir, options.log)).services[name];
    if (record === undefined) throw new Error(`no private ${name} recorded in ${dataDir}/services.json`);
    return record;
  };
  await up();
  options.log(`private Redis ${redisUrl} and PostgreSQL ${postgresServerUrl} in ${dataDir}`);
  return {
    redisUrl,
    postgresServerUrl,
    breakable: true,
    async killRedis() {
      const record = await recordOf("redis");
      process.kill(record.pid, "SIGKILL");
      if (!(await waitForProcessExit(record.pid, "redis-server", 10_000))) {
        throw new Error(`redis-server ${record.pid} survived SIGKILL`);
      }
    },
    startRedis: up,
    async stopPostgres() {
      const record = await recordOf("postgres");
      if (!(await isProcessRunning(record.pid, "postgres"))) return;
      await stopPrivatePostgres(record, await resolvePostgresAccount(options.log), options.log);
    },
    startPostgres: up,
    async close() {
      await servicesDown(servicesOptions).catch((error: unknown) =>
        options.log(`services down: ${String(error)}`),
      );
      if (options.keep) options.log(`kept ${dataDir}`);
      else await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `postgres://u@h:5432/db?x` → `postgres://u@h:5432`. */
export function withoutDatabase(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = "";
  parsed.search = "";
  return parsed.toString().replace(/\/$/, "");
}

/** Servers the suite did not start (e.g. the CI ones): used as they are, never broken. */
export function useExistingServices(redisUrl: string, postgresServerUrl: string): ChaosServices {
  const refuse = async (): Promise<void> => {
    throw new Error(
      "these Redis/PostgreSQL servers were not started by the chaos suite: it does not break them",
    );
  };
  return {
    redisUrl,
    postgresServerUrl: withoutDatabase(postgresServerUrl),
    breakable: false,
    killRedis: refuse,
    startRedis: refuse,
    stopPostgres: refuse,
    startPostgres: refuse,
    async close() {},
  };
}
