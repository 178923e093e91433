import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { testDatabaseName } from "@vpa/test-support/database";
import { freePort } from "@vpa/test-support/free-port";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { probePostgresDatabase } from "./postgres-probe.ts";
import type { ServicesOptions } from "./service-types.ts";
import { ServicesError } from "./services-error.ts";
import { servicesDown, servicesStatus, servicesUp } from "./services-manager.ts";

const run = promisify(execFile);

/** A real round trip through an independent client (ioredis), not the module under test. */
async function redisCommand(port: number, ...args: string[]): Promise<unknown> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    return await client.call(args[0] ?? "PING", ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

/** A real query through psql, independent of the module's own protocol code. */
async function psql(port: number, database: string, sql: string, user = "postgres"): Promise<string> {
  const { stdout } = await run(
    "psql",
    ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database, "-XAtc", sql],
    {
      timeout: 10_000,
    },
  );
  return stdout.trim();
}

async function answers(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A stopped server not yet reaped by init is a zombie: dead for our purpose.
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("fresh machine: nothing answers on the loopback ports", () => {
  let dataDir = "";
  let options: ServicesOptions;
  let redisPort = 0;
  let postgresPort = 0;
  const logLines: string[] = [];
  const pids: number[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "vpa-services-"));
    redisPort = await freePort();
    postgresPort = await freePort();
    options = {
      dataDir,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      databaseUrl: `postgres://postgres@127.0.0.1:${postgresPort}/vpa`,
      allowInstall: false,
      log: (line) => logLines.push(line),
    };
  });

  afterAll(async () => {
    // Even after a failed assertion: stop what was started, then make sure by pid.
    await servicesDown(options).catch(() => {});
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  test("up starts a private Redis and a private PostgreSQL cluster that really answer", async () => {
    const statuses = await servicesUp(options);
    pids.push(...statuses.flatMap((status) => (status.pid === undefined ? [] : [status.pid])));

    expect(statuses.map(({ name, origin, reachable }) => ({ name, origin, reachable }))).toEqual([
      { name: "redis", origin: "private", reachable: true },
      { name: "postgres", origin: "private", reachable: true },
    ]);
    expect(await redisCommand(redisPort, "PING")).toBe("PONG");
    // What BullMQ needs in production.
    expect(await redisCommand(redisPort, "CONFIG", "GET", "appendonly")).toEqual(["appendonly", "yes"]);
    expect(await redisCommand(redisPort, "CONFIG", "GET", "maxmemory-policy")).toEqual([
      "maxmemory-policy",
      "noeviction",
    ]);
    expect(await psql(postgresPort, "vpa", "select 1")).toBe("1");
    expect(await psql(postgresPort, "vpa", "show server_encoding")).toBe("UTF8");

    const state = JSON.parse(await readFile(path.join(dataDir, "services.json"), "utf8"));
    expect(state.services.redis).toMatchObject({ pid: statuses[0]?.pid, port: redisPort });
    expect(state.services.postgres).toMatchObject({ pid: statuses[1]?.pid, port: postgresPort });
    expect(logLines).toContainEqual(
      expect.stringMatching(/^redis: started private Redis at redis:\/\/127\.0\.0\.1:\d+/),
    );
    expect(logLines).toContainEqual(
      expect.stringMatching(/^postgres: started private cluster at .*\(pid \d+, data: /),
    );
  });

  test("status says private, with the pids; a second up starts nothing", async () => {
    const status = await servicesStatus(options);
    expect(status.map(({ origin, reachable }) => ({ origin, reachable }))).toEqual([
      { origin: "private", reachable: true },
      { origin: "private", reachable: true },
    ]);
    expect(status.map((service) => service.pid)).toEqual(pids);

    const again = await servicesUp(options);
    expect(again.map((service) => service.pid)).toEqual(pids);
    expect(again.map((service) => service.origin)).toEqual(["private", "private"]);
  });

  test("a password-protected role is refused with SERVICES_REJECTED; SCRAM and md5 logins work", async () => {
    await psql(
      postgresPort,
      "postgres",
      "set password_encryption = 'scram-sha-256'; create role scram_user login createdb password 'scram-pw';" +
        " set password_encryption = 'md5'; create role md5_user login password 'md5-pw';",
    );
    const hbaFile = (await psql(postgresPort, "postgres", "show hba_file")).trim();
    const hba = await readFile(hbaFile, "utf8");
    await writeFile(
      hbaFile,
      `host all scram_user 127.0.0.1/32 scram-sha-256\nhost all md5_user 127.0.0.1/32 md5\n${hba}`,
    );
    await psql(postgresPort, "postgres", "select pg_reload_conf()");

    const endpoint = {
      host: "127.0.0.1",
      port: postgresPort,
      database: "postgres",
      sslMode: "disable",
    } as const;
    expect(
      (await probePostgresDatabase({ ...endpoint, user: "scram_user", password: "scram-pw" }, 2000)).listener,
    ).toBe("ready");
    expect(
      (await probePostgresDatabase({ ...endpoint, user: "md5_user", password: "md5-pw" }, 2000)).listener,
    ).toBe("ready");

    const wrong = servicesUp({
      ...options,
      databaseUrl: `postgres://scram_user:nope@127.0.0.1:${postgresPort}/vpa`,
    });
    await expect(wrong).rejects.toMatchObject({ code: "SERVICES_REJECTED" });
    await expect(wrong).rejects.toThrowError(/password authentication failed for user "scram_user"/);

    // With the right password the database is created through SCRAM.
    const right = await servicesUp({
      ...options,
      databaseUrl: `postgres://scram_user:scram-pw@127.0.0.1:${postgresPort}/vpa_scram`,
    });
    expect(right[1]).toMatchObject({
      origin: "private",
      reachable: true,
      url: expect.stringContaining("scram_user:***@"),
    });
    expect(
      await psql(postgresPort, "postgres", "select 1 from pg_database where datname = 'vpa_scram'"),
    ).toBe("1");
  });

  test("a port held by another program gives SERVICES_PORT_IN_USE and starts nothing", async () => {
    const squatter = http.createServer((_, response) => response.end("not redis"));
    const port = await freePort();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      const attempt = servicesUp({ ...options, redisUrl: `redis://127.0.0.1:${port}` });
      await expect(attempt).rejects.toBeInstanceOf(ServicesError);
      await expect(attempt).rejects.toMatchObject({ code: "SERVICES_PORT_IN_USE" });
      await expect(attempt).rejects.toThrowError(
        /something that is not Redis listens at redis:\/\/127\.0\.0\.1/,
      );
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    const state = JSON.parse(await readFile(path.join(dataDir, "services.json"), "utf8"));
    expect([state.services.redis.pid, state.services.postgres.pid]).toEqual(pids);
  });

  test("down stops both and keeps their data; up again brings the data back", async () => {
    await redisCommand(redisPort, "SET", "vpa:services:test", "kept");
    const down = await servicesDown(options);
    expect(down.map(({ origin, reachable }) => ({ origin, reachable }))).toEqual([
      { origin: "absent", reachable: false },
      { origin: "absent", reachable: false },
    ]);
    expect(await answers(redisPort)).toBe(false);
    expect(await answers(postgresPort)).toBe(false);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect((await servicesStatus(options)).map((service) => service.origin)).toEqual(["absent", "absent"]);
    // Down with nothing started is fine.
    expect((await servicesDown(options)).map((service) => service.origin)).toEqual(["absent", "absent"]);

    const restarted = await servicesUp(options);
    pids.push(...restarted.flatMap((status) => (status.pid === undefined ? [] : [status.pid])));
    expect(await redisCommand(redisPort, "GET", "vpa:services:test")).toBe("kept");
    expect(await psql(postgresPort, "vpa", "select 1")).toBe("1");
    await servicesDown(options);
    expect(await answers(redisPort)).toBe(false);
    expect(await answers(postgresPort)).toBe(false);
  });
});

describe("external servers already running (127.0.0.1:6379 and :5432)", () => {
  const database = testDatabaseName("vpa_services");
  let dataDir = "";
  let options: ServicesOptions;
  const logLines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "vpa-services-"));
    options = {
      dataDir,
      redisUrl: "redis://127.0.0.1:6379",
      databaseUrl: `postgres://postgres@127.0.0.1:5432/${database}`,
      allowInstall: false,
      log: (line) => logLines.push(line),
    };
  });

  afterAll(async () => {
    await psql(5432, "postgres", `drop database if exists ${database}`);
    await rm(dataDir, { recursive: true, force: true });
  });

  test("up uses them as external and creates the missing database", async () => {
    expect(
      await psql(5432, "postgres", `select count(*) from pg_database where datname = '${database}'`),
    ).toBe("0");
    const statuses = await servicesUp(options);
    expect(statuses.map(({ name, origin, reachable, pid }) => ({ name, origin, reachable, pid }))).toEqual([
      { name: "redis", origin: "external", reachable: true, pid: undefined },
      { name: "postgres", origin: "external", reachable: true, pid: undefined },
    ]);
    expect(await psql(5432, database, "select 1")).toBe("1");
    expect(logLines).toContain("redis: using external at redis://127.0.0.1:6379");
    expect(logLines).toContain(`postgres: created database "${database}"`);
    expect(logLines).toContain(`postgres: using external at postgres://postgres@127.0.0.1:5432/${database}`);
    expect((await servicesStatus(options)).map((service) => service.origin)).toEqual([
      "external",
      "external",
    ]);
  });

  test("down leaves external servers running", async () => {
    const statuses = await servicesDown(options);
    expect(statuses.map((service) => service.origin)).toEqual(["external", "external"]);
    expect(await redisCommand(6379, "PING")).toBe("PONG");
    expect(await psql(5432, database, "select 1")).toBe("1");
  });
});
