import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { decideServiceAction, type ServiceSituation } from "./decide-service-action.ts";
import { findExecutable } from "./find-binaries.ts";
import { installAptPackages } from "./install-packages.ts";
import type { ProbeResult } from "./probe-result.ts";
import { isProcessRunning, sleep } from "./process-liveness.ts";
import { isRoot } from "./service-account.ts";
import {
  createPostgresDriver,
  createRedisDriver,
  type ServiceDriver,
  type ServicesContext,
} from "./service-drivers.ts";
import type { ServiceStatus, ServicesOptions } from "./service-types.ts";
import { isLoopbackHost } from "./service-url.ts";
import { ServicesError } from "./services-error.ts";
import { withServicesLock } from "./services-lock.ts";
import {
  type PrivateServiceRecord,
  readServicesState,
  type ServicesState,
  writeServicesState,
} from "./services-state-file.ts";

const defaultConnectTimeoutMs = 1_500;
const defaultStartTimeoutMs = 30_000;

function resolveContext(options: ServicesOptions): ServicesContext {
  return {
    dataDir: path.resolve(options.dataDir),
    redisUrl: options.redisUrl,
    databaseUrl: options.databaseUrl,
    allowInstall: options.allowInstall ?? true,
    log: options.log ?? (() => {}),
    connectTimeoutMs: options.connectTimeoutMs ?? defaultConnectTimeoutMs,
    startTimeoutMs: options.startTimeoutMs ?? defaultStartTimeoutMs,
  };
}

/** Both drivers; parsing both URLs first so a bad URL fails before anything is started. */
function createDrivers(context: ServicesContext): ServiceDriver[] {
  return [createRedisDriver(context), createPostgresDriver(context)];
}

/** A private record whose process is gone (crash, reboot) or whose pid now belongs to something else. */
async function isRecordAlive(
  record: PrivateServiceRecord | undefined,
  driver: ServiceDriver,
): Promise<boolean> {
  return record !== undefined && (await isProcessRunning(record.pid, driver.processName));
}

/** The private instance answers at the configured URL (private servers only ever listen on loopback). */
function servesUrl(record: PrivateServiceRecord, driver: ServiceDriver): boolean {
  return record.port === driver.port && isLoopbackHost(driver.host);
}

async function probeUntilSettled(probe: () => Promise<ProbeResult>, timeoutMs: number): Promise<ProbeResult> {
  const deadline = Date.now() + timeoutMs;
  let result = await probe();
  while (result.listener === "starting" && Date.now() < deadline) {
    await sleep(250);
    result = await probe();
  }
  return result;
}

async function forgetRecord(
  context: ServicesContext,
  state: ServicesState,
  driver: ServiceDriver,
): Promise<void> {
  delete state.services[driver.name];
  await writeServicesState(context.dataDir, state);
}

function privateStatus(
  driver: ServiceDriver,
  record: PrivateServiceRecord,
  reachable: boolean,
  detail: string,
): ServiceStatus {
  return {
    name: driver.name,
    url: driver.url,
    reachable,
    origin: "private",
    pid: record.pid,
    dataDir: record.dataDir,
    detail,
  };
}

async function bringUp(
  context: ServicesContext,
  state: ServicesState,
  driver: ServiceDriver,
): Promise<ServiceStatus> {
  let record = state.services[driver.name];
  if (record !== undefined && !(await isRecordAlive(record, driver))) {
    context.log(
      `${driver.name}: forgetting ${driver.privateLabel} pid ${record.pid} from the state file: it is no longer running`,
    );
    await forgetRecord(context, state, driver);
    record = undefined;
  }
  const loopback = isLoopbackHost(driver.host);
  const aptGet = await findExecutable("apt-get");
  let installAttempted = false;
  for (;;) {
    const probe = await probeUntilSettled(() => driver.probeServer(), context.startTimeoutMs);
    const situation: ServiceSituation = {
      name: driver.name,
      url: driver.url,
      listener: probe.listener,
      listenerDetail: probe.detail,
      loopback,
      binariesFound: await driver.binariesFound(),
      root: isRoot(),
      aptAvailable: aptGet !== undefined,
      allowInstall: context.allowInstall,
      installAttempted,
    };
    const action = decideServiceAction(situation);
    switch (action.kind) {
      case "use-running": {
        await driver.prepareForUse();
        if (record !== undefined && servesUrl(record, driver)) {
          context.log(
            `${driver.name}: ${driver.privateLabel} already running at ${driver.url} (pid ${record.pid})`,
          );
          return privateStatus(driver, record, true, "already running");
        }
        context.log(`${driver.name}: using external at ${driver.url}`);
        return {
          name: driver.name,
          url: driver.url,
          reachable: true,
          origin: "external",
          detail: probe.detail,
        };
      }
      case "start-private": {
        if (record !== undefined) {
          throw new ServicesError(
            "SERVICES_STATE_CONFLICT",
            `${driver.name}: a ${driver.privateLabel} started by vpa is running on port ${record.port} (pid ${record.pid}) but nothing answers at ${driver.url}. Run \`vpa services down\` first, or point the URL back at port ${record.port}.`,
          );
        }
        const started = await driver.startPrivate();
        state.services[driver.name] = started;
        // Recorded before anything else can fail, so `servicesDown` can always stop what we started.
        await writeServicesState(context.dataDir, state);
        await driver.prepareForUse();
        context.log(
          `${driver.name}: started ${driver.privateLabel} at ${driver.url} (pid ${started.pid}, data: ${started.dataDir})`,
        );
        return privateStatus(driver, started, true, "started");
      }
      case "install-packages": {
        await installAptPackages(aptGet ?? "apt-get", action.packages, {
          timeoutMs: 15 * 60_000,
          log: context.log,
        });
        installAttempted = true;
        // Installing may itself start a server on the default port (Debian's postinst): probe again.
        continue;
      }
      case "fail":
        throw new ServicesError(action.code, action.message);
    }
  }
}

async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new ServicesError(
      "SERVICES_PERMISSION_DENIED",
      `services: cannot create the data directory ${dataDir}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Anything unexpected (EACCES on a file, a spawn failure) still leaves as a ServicesError. */
function asServicesError(driver: ServiceDriver, error: unknown): ServicesError {
  if (error instanceof ServicesError) return error;
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  const code =
    errno === "EACCES" || errno === "EPERM" ? "SERVICES_PERMISSION_DENIED" : "SERVICES_UNAVAILABLE";
  return new ServicesError(
    code,
    `${driver.name}: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  );
}

function combineErrors(errors: ServicesError[]): ServicesError {
  const [first] = errors;
  if (errors.length === 1 && first !== undefined) return first;
  // One error listing every service's problem; the code is the first one's.
  const message = errors.map((error) => error.message).join("\n\n");
  return new ServicesError(first?.code ?? "SERVICES_UNAVAILABLE", message, {
    cause: new AggregateError(errors),
  });
}

/**
 * Makes Redis and PostgreSQL available at the configured URLs: uses servers that already answer,
 * otherwise starts private ones from local binaries (installing them with apt-get as root when
 * allowed). Idempotent. Throws `ServicesError` listing every service it could not provide.
 *
 * @example
 * const statuses = await servicesUp({
 *   dataDir: ".vpa",
 *   redisUrl: "redis://127.0.0.1:6379",
 *   databaseUrl: "postgres://postgres@127.0.0.1:5432/vpa",
 *   log: (line) => console.error(line),
 * });
 */
export async function servicesUp(options: ServicesOptions): Promise<ServiceStatus[]> {
  const context = resolveContext(options);
  const drivers = createDrivers(context);
  await ensureDataDir(context.dataDir);
  // Waiting covers another `up` that is running initdb (seconds) or apt-get (minutes, rare).
  return await withServicesLock(context.dataDir, context.startTimeoutMs + 90_000, async () => {
    const state = await readServicesState(context.dataDir, context.log);
    const statuses: ServiceStatus[] = [];
    const errors: ServicesError[] = [];
    for (const driver of drivers) {
      try {
        statuses.push(await bringUp(context, state, driver));
      } catch (error) {
        errors.push(asServicesError(driver, error));
      }
    }
    if (errors.length > 0) throw combineErrors(errors);
    return statuses;
  });
}

async function describeService(state: ServicesState, driver: ServiceDriver): Promise<ServiceStatus> {
  const record = state.services[driver.name];
  const alive = await isRecordAlive(record, driver);
  const probe = await driver.probeUrl();
  const reachable = probe.listener === "ready";
  const notes = [probe.detail];
  if (record !== undefined && !alive) {
    notes.push(`the state file lists a ${driver.privateLabel} (pid ${record.pid}) that is no longer running`);
  }
  if (record !== undefined && alive && !servesUrl(record, driver)) {
    notes.push(`a ${driver.privateLabel} started by vpa runs on port ${record.port} (pid ${record.pid})`);
  }
  const detail = notes.join("; ");
  if (record !== undefined && alive && servesUrl(record, driver))
    return privateStatus(driver, record, reachable, detail);
  // A server that answers but refuses us (or lacks the database) is still there: external.
  const serverPresent =
    probe.listener === "ready" || probe.listener === "rejected" || probe.listener === "starting";
  return {
    name: driver.name,
    url: driver.url,
    reachable,
    origin: serverPresent ? "external" : "absent",
    detail,
  };
}

/** Reports each service without changing anything. */
export async function servicesStatus(options: ServicesOptions): Promise<ServiceStatus[]> {
  const context = resolveContext(options);
  const drivers = createDrivers(context);
  const state = await readServicesState(context.dataDir, context.log);
  return await Promise.all(drivers.map((driver) => describeService(state, driver)));
}

/**
 * Stops the private servers vpa started (from the state file) and nothing else: external servers
 * are never touched. Idempotent; with nothing started it only reports.
 */
export async function servicesDown(options: ServicesOptions): Promise<ServiceStatus[]> {
  const context = resolveContext(options);
  const drivers = createDrivers(context);
  const dataDirExists = (await stat(context.dataDir).catch(() => undefined))?.isDirectory() === true;
  if (dataDirExists) {
    await withServicesLock(context.dataDir, context.startTimeoutMs + 90_000, async () => {
      const state = await readServicesState(context.dataDir, context.log);
      const errors: ServicesError[] = [];
      for (const driver of [...drivers].reverse()) {
        const record = state.services[driver.name];
        if (record === undefined) continue;
        try {
          if (await isRecordAlive(record, driver)) {
            await driver.stopPrivate(record);
            await forgetRecord(context, state, driver);
            context.log(
              `${driver.name}: stopped ${driver.privateLabel} (pid ${record.pid}, data kept in ${record.dataDir})`,
            );
          } else {
            await forgetRecord(context, state, driver);
            context.log(
              `${driver.name}: ${driver.privateLabel} pid ${record.pid} was already gone; state entry removed`,
            );
          }
        } catch (error) {
          errors.push(asServicesError(driver, error));
        }
      }
      if (errors.length > 0) throw combineErrors(errors);
    });
  }
  const statuses = await servicesStatus(options);
  for (const status of statuses) {
    if (status.origin === "external") context.log(`${status.name}: external at ${status.url} left running`);
  }
  return statuses;
}
