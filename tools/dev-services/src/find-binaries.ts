import { constants } from "node:fs";
import { access, readdir } from "node:fs/promises";
import path from "node:path";

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathDirectories(): string[] {
  return (process.env.PATH ?? "").split(path.delimiter).filter((directory) => directory !== "");
}

/** Full path of an executable found on PATH or in the extra directories, in that order. */
export async function findExecutable(
  name: string,
  extraDirectories: readonly string[] = [],
): Promise<string | undefined> {
  // sbin directories are often missing from a non-login root PATH but hold tools such as useradd.
  for (const directory of [...pathDirectories(), ...extraDirectories, "/usr/sbin", "/sbin"]) {
    const candidate = path.join(directory, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
}

/** Debian/Ubuntu keep the server binaries in /usr/lib/postgresql/<major>/bin, outside PATH. Highest major first. */
export async function postgresBinaryDirectories(): Promise<{ major: string; directory: string }[]> {
  let entries: string[];
  try {
    entries = await readdir("/usr/lib/postgresql");
  } catch {
    return [];
  }
  return entries
    .filter((entry) => Number.isFinite(Number.parseFloat(entry)))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((major) => ({ major, directory: path.join("/usr/lib/postgresql", major, "bin") }));
}

/**
 * initdb and pg_ctl from the same directory (mixing majors breaks). The major a data directory was
 * created with wins, so a machine with several versions keeps starting the cluster it created;
 * then PATH (the user's choice), then the highest installed major.
 */
export async function findPostgresBinaries(preferredMajor?: string): Promise<PostgresBinaries | undefined> {
  const library = await postgresBinaryDirectories();
  const preferred = library.filter(({ major }) => major === preferredMajor).map(({ directory }) => directory);
  const ordered = [...preferred, ...pathDirectories(), ...library.map(({ directory }) => directory)];
  for (const directory of ordered) {
    const initdb = path.join(directory, "initdb");
    const pgCtl = path.join(directory, "pg_ctl");
    if ((await isExecutable(initdb)) && (await isExecutable(pgCtl))) return { initdb, pgCtl };
  }
  return undefined;
}

export async function findRedisServer(): Promise<string | undefined> {
  return await findExecutable("redis-server");
}
