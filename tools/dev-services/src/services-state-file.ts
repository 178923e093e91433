import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ServiceName, serviceNames } from "./service-types.ts";

/** One server vpa started. The state file is the only authority for what `servicesDown` may stop. */
export interface PrivateServiceRecord {
  name: ServiceName;
  pid: number;
  host: string;
  port: number;
  /** The server's data directory. */
  dataDir: string;
  /** ISO 8601. */
  startedAt: string;
  logFile: string;
  /** postgres: the OS user it runs as (pg_ctl stop must run as that user too). */
  osUser?: string;
  /** postgres: the pg_ctl that started it. */
  pgCtl?: string;
}

export interface ServicesState {
  version: 1;
  services: Partial<Record<ServiceName, PrivateServiceRecord>>;
}

export function stateFilePath(dataDir: string): string {
  return path.join(dataDir, "services.json");
}

function isRecord(value: unknown, name: ServiceName): value is PrivateServiceRecord {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.name === name &&
    Number.isInteger(record.pid) &&
    Number.isInteger(record.port) &&
    typeof record.host === "string" &&
    typeof record.dataDir === "string" &&
    typeof record.startedAt === "string" &&
    typeof record.logFile === "string"
  );
}

/** A missing file is an empty state; unreadable entries are dropped and reported through `warn`. */
export async function readServicesState(
  dataDir: string,
  warn: (line: string) => void,
): Promise<ServicesState> {
  const state: ServicesState = { version: 1, services: {} };
  let text: string;
  try {
    text = await readFile(stateFilePath(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return state;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    warn(`services: ignoring unreadable state file ${stateFilePath(dataDir)}`);
    return state;
  }
  const services = (parsed as { services?: Record<string, unknown> } | null)?.services ?? {};
  for (const name of serviceNames) {
    const entry = services[name];
    if (entry === undefined) continue;
    if (isRecord(entry, name)) state.services[name] = entry;
    else warn(`${name}: ignoring malformed entry in ${stateFilePath(dataDir)}`);
  }
  return state;
}

/** Atomic replace, so a crash mid-write never leaves half a file. */
export async function writeServicesState(dataDir: string, state: ServicesState): Promise<void> {
  const file = stateFilePath(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  await rename(temporary, file);
}
