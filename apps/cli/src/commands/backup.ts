import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdir, readdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { serverMajorVersion } from "@vpa/db";
import {
  describeCommandFailure,
  findExecutable,
  postgresBinaryDirectories,
  runCommand,
} from "@vpa/dev-services";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { parseInteger, parseOptions } from "../parse-options.ts";

export class BackupError extends Error {
  readonly code = "BACKUP_FAILED";
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

/**
 * pg_dump refuses a server newer than itself: use the client of the server's major version when
 * Debian's /usr/lib/postgresql/<major>/bin has it, else the one on PATH.
 */
async function findClientTool(app: AppContext, tool: "pg_dump" | "pg_restore" | "psql"): Promise<string> {
  const major = await serverMajorVersion(app.database.db);
  for (const { directory } of (await postgresBinaryDirectories()).filter((d) => d.major === major)) {
    const candidate = join(directory, tool);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  const onPath = await findExecutable(tool);
  if (onPath === undefined) {
    throw new BackupError(
      `${tool} not found: install the PostgreSQL ${major} client (apt-get install postgresql-client-${major})`,
    );
  }
  return onPath;
}

/** Connection for the client tools: the URL without its password, which travels in PGPASSWORD. */
function clientConnection(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = "";
  return {
    url: url.toString(),
    env: password === "" ? process.env : { ...process.env, PGPASSWORD: password },
  };
}

export async function runBackup(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("backup", args);
  if (positionals.length > 0) throw new UsageError(`backup: unexpected ${positionals.join(" ")}`);
  if (values.file !== undefined && values.dir !== undefined) {
    throw new UsageError("backup: --file and --dir exclude each other");
  }
  const keep = parseInteger("backup", "keep", values.keep, 1, 10_000);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = resolve(
    values.file ?? join(values.dir ?? join(app.config.dataDir, "backups"), `vpa-${stamp}.dump`),
  );
  await mkdir(dirname(file), { recursive: true });
  const pgDump = await findClientTool(app, "pg_dump");
  const { url, env } = clientConnection(app.config.databaseUrl);
  const result = await runCommand(
    pgDump,
    ["--format=custom", "--no-owner", `--file=${file}`, `--dbname=${url}`],
    {
      env,
      timeoutMs: 3_600_000,
    },
  );
  if (result.exitCode !== 0) throw new BackupError(describeCommandFailure("pg_dump", result));
  const { size } = await stat(file);
  console.log(`backup written: ${file} (${(size / 1024 / 1024).toFixed(1)} MiB)`);
  if (keep !== undefined) {
    const removed = await keepNewestDumps(dirname(file), keep);
    if (removed.length > 0) console.log(`retention: kept the newest ${keep}, removed ${removed.join(", ")}`);
  }
  return 0;
}

/**
 * Deletes all but the newest `keep` `vpa-*.dump` files of a directory, newest by name: the names
 * carry their UTC time (`vpa-2026-11-30T02-30-00-000Z.dump`), which survives a copy that resets
 * modification times. Other files are left alone. Returns the names removed.
 */
export async function keepNewestDumps(directory: string, keep: number): Promise<string[]> {
  const dumps = (await readdir(directory))
    .filter((name) => /^vpa-.*\.dump$/.test(name))
    .sort()
    .reverse();
  const removed = dumps.slice(keep);
  for (const name of removed) await rm(join(directory, name));
  return removed;
}

export async function runRestore(app: AppContext, args: readonly string[]): Promise<number> {
  const { positionals } = parseOptions("restore", args);
  if (positionals.length !== 1) throw new UsageError("restore: name exactly one dump file");
  const file = resolve(positionals[0] as string);
  await stat(file).catch(() => {
    throw new UsageError(`restore: no such file ${file}`);
  });
  const pgRestore = await findClientTool(app, "pg_restore");
  const psql = await findClientTool(app, "psql");
  const { url, env } = clientConnection(app.config.databaseUrl);
  await restoreInOneTransaction({ pgRestore, psql, file, url, env });
  console.log(`restored ${file}`);
  return 0;
}

/**
 * Drops the partitioned tables first (each with its partitions): `pg_restore --clean` drops a
 * partition's primary key before its table, which PostgreSQL refuses for an inherited constraint
 * ("cannot drop inherited constraint"), so a restore over a live schema with market_data
 * partitioned (migration 0014) failed. The clean statements that follow use IF EXISTS and pass
 * over what is gone.
 */
const DROP_PARTITIONED_TABLES = `
DO $$
DECLARE parent record;
BEGIN
  FOR parent IN
    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'p' AND NOT c.relispartition AND n.nspname = 'public'
  LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I.%I CASCADE', parent.nspname, parent.relname);
  END LOOP;
END $$;
`;

/**
 * pg_restore's clean-and-restore SQL (--clean --if-exists: drop what the dump contains first, so
 * a restore over a live schema works) streamed into one psql transaction after
 * {@link DROP_PARTITIONED_TABLES}: all or nothing, ON_ERROR_STOP.
 */
async function restoreInOneTransaction(options: {
  pgRestore: string;
  psql: string;
  file: string;
  url: string;
  env: NodeJS.ProcessEnv;
}): Promise<void> {
  const restore = spawn(
    options.pgRestore,
    ["--clean", "--if-exists", "--no-owner", "--file=-", options.file],
    {
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const psql = spawn(
    options.psql,
    [
      "--no-psqlrc",
      "--quiet",
      "--set=ON_ERROR_STOP=1",
      "--single-transaction",
      `--dbname=${options.url}`,
      "--file=-",
    ],
    { env: options.env, stdio: ["pipe", "ignore", "pipe"] },
  );
  let output = "";
  restore.stderr.on("data", (chunk) => (output += chunk));
  psql.stderr.on("data", (chunk) => (output += chunk));
  psql.stdin.on("error", () => {
    // psql stopped reading (it failed): its exit code and stderr say why.
  });
  psql.stdin.write(DROP_PARTITIONED_TABLES);
  // psql commits when its input ends: it must end only once pg_restore has succeeded. A dump that
  // fails half-way (truncated, corrupt) kills psql instead, before COMMIT: nothing changes.
  restore.stdout.pipe(psql.stdin, { end: false });
  const exitOf = (child: typeof restore | typeof psql) =>
    new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  const restoreExit = exitOf(restore).then((code) => {
    if (code === 0) psql.stdin.end();
    else psql.kill("SIGTERM");
    return code;
  });
  const [restoreCode, psqlCode] = await Promise.all([restoreExit, exitOf(psql)]);
  if (restoreCode !== 0 || psqlCode !== 0) {
    const tail = output.trimEnd().split("\n").slice(-15).join("\n");
    const which =
      restoreCode !== 0 ? `pg_restore exited with code ${restoreCode}` : `psql exited with code ${psqlCode}`;
    throw new BackupError(`restore failed, nothing changed (${which})${tail === "" ? "" : `:\n${tail}`}`);
  }
}
