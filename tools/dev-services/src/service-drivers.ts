import { findPostgresBinaries, findRedisServer } from "./find-binaries.ts";
import { ensurePostgresDatabase, probePostgresDatabase, probePostgresServer } from "./postgres-probe.ts";
import {
  postgresProcessName,
  readClusterMajor,
  startPrivatePostgres,
  stopPrivatePostgres,
} from "./private-postgres.ts";
import { redisProcessName, startPrivateRedis, stopPrivateRedis } from "./private-redis.ts";
import type { ProbeResult } from "./probe-result.ts";
import { probeRedis } from "./redis-probe.ts";
import { findAccount, resolvePostgresAccount } from "./service-account.ts";
import type { ServiceName } from "./service-types.ts";
import { parsePostgresUrl, parseRedisUrl, redactUrl } from "./service-url.ts";
import { ServicesError } from "./services-error.ts";
import type { PrivateServiceRecord } from "./services-state-file.ts";

/** The resolved `ServicesOptions`, defaults applied. */
export interface ServicesContext {
  dataDir: string;
  redisUrl: string;
  databaseUrl: string;
  allowInstall: boolean;
  log: (line: string) => void;
  connectTimeoutMs: number;
  startTimeoutMs: number;
}

/** What the manager needs to know about one service, so redis and postgres share one flow. */
export interface ServiceDriver {
  name: ServiceName;
  /** Redacted, for logs and statuses. */
  url: string;
  host: string;
  port: number;
  /** What a private instance's command line contains. */
  processName: string;
  /** Is the server there (for postgres: ignoring whether the URL's database exists)? */
  probeServer(): Promise<ProbeResult>;
  /** Is the URL usable as is (for postgres: including the database)? */
  probeUrl(): Promise<ProbeResult>;
  binariesFound(): Promise<boolean>;
  startPrivate(): Promise<PrivateServiceRecord>;
  /** Runs once the server answers, private or external (postgres: create the database). */
  prepareForUse(): Promise<void>;
  stopPrivate(record: PrivateServiceRecord): Promise<void>;
  /** e.g. "private Redis" / "private cluster". */
  privateLabel: string;
}

export function createRedisDriver(context: ServicesContext): ServiceDriver {
  const endpoint = parseRedisUrl(context.redisUrl);
  const probe = (): Promise<ProbeResult> => probeRedis(endpoint, context.connectTimeoutMs);
  return {
    name: "redis",
    url: redactUrl(context.redisUrl),
    host: endpoint.host,
    port: endpoint.port,
    processName: redisProcessName,
    privateLabel: "private Redis",
    probeServer: probe,
    probeUrl: probe,
    binariesFound: async () => (await findRedisServer()) !== undefined,
    async startPrivate() {
      const redisServer = await findRedisServer();
      if (redisServer === undefined)
        throw new ServicesError("SERVICES_UNAVAILABLE", "redis: redis-server not found");
      return await startPrivateRedis({
        redisServer,
        endpoint,
        projectDataDir: context.dataDir,
        connectTimeoutMs: context.connectTimeoutMs,
        startTimeoutMs: context.startTimeoutMs,
        log: context.log,
      });
    },
    async prepareForUse() {},
    async stopPrivate(record) {
      // The private server was configured with the URL's password when the URL still points at it.
      const target = { ...endpoint, host: record.host, port: record.port };
      if (record.port !== endpoint.port) {
        delete target.password;
        delete target.username;
      }
      await stopPrivateRedis(record, target, context.connectTimeoutMs, context.log);
    },
  };
}

export function createPostgresDriver(context: ServicesContext): ServiceDriver {
  const endpoint = parsePostgresUrl(context.databaseUrl);
  return {
    name: "postgres",
    url: redactUrl(context.databaseUrl),
    host: endpoint.host,
    port: endpoint.port,
    processName: postgresProcessName,
    privateLabel: "private cluster",
    probeServer: () => probePostgresServer(endpoint, context.connectTimeoutMs),
    probeUrl: () => probePostgresDatabase(endpoint, context.connectTimeoutMs),
    binariesFound: async () =>
      (await findPostgresBinaries(await readClusterMajor(context.dataDir))) !== undefined,
    async startPrivate() {
      const binaries = await findPostgresBinaries(await readClusterMajor(context.dataDir));
      if (binaries === undefined) {
        throw new ServicesError("SERVICES_UNAVAILABLE", "postgres: initdb and pg_ctl not found");
      }
      return await startPrivatePostgres({
        binaries,
        endpoint,
        projectDataDir: context.dataDir,
        account: await resolvePostgresAccount(context.log),
        connectTimeoutMs: context.connectTimeoutMs,
        startTimeoutMs: context.startTimeoutMs,
        log: context.log,
      });
    },
    async prepareForUse() {
      let created: boolean;
      try {
        created = await ensurePostgresDatabase(endpoint, context.connectTimeoutMs);
      } catch (error) {
        throw new ServicesError(
          "SERVICES_REJECTED",
          `postgres: cannot check or create database "${endpoint.database}" at ${redactUrl(context.databaseUrl)}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (created) context.log(`postgres: created database "${endpoint.database}"`);
    },
    async stopPrivate(record) {
      const account = record.osUser === undefined ? undefined : await findAccount(record.osUser);
      await stopPrivatePostgres(record, account, context.log);
    },
  };
}
