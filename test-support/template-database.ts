import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createDatabase, migrateToLatest } from "@vpa/db";
import pg from "pg";
import { adminDatabaseUrl, TEST_SERVER_URL, urlWithDatabase } from "./test-servers.ts";

/**
 * The migrated template every test database is cloned from (`create database … template …`, as
 * graphile-worker's tests do): a copy of a migrated database costs a file copy, where migrating
 * each file's database ran every migration again.
 *
 * One template per migration set: its name carries a hash of the migration files (names and
 * text), so a branch with a new or changed migration builds its own template and never clones an
 * old schema. Built once per test run by global-setup.ts, under an advisory lock so that two runs
 * started together build it once.
 *
 * INVARIANT: nothing stays connected to a template. `create database … template t` fails
 * ("source database is being accessed by other users") while any session is connected to t, so
 * the template is migrated through one short-lived pool that is closed before any test starts, and
 * tests only ever name it in `create database`.
 */
export const TEMPLATE_NAME_PREFIX = "vpa_test_template_";

/** A template another migration set built and no run has used for this long is dropped. */
const STALE_AFTER_MS = 60 * 60 * 1000;

const MIGRATIONS_DIRECTORY = new URL("../packages/db/src/migrations/", import.meta.url);

/** `vpa_test_template_<12 hex digits>`: the hash of the migration files' names and text. */
export function templateDatabaseName(directory: URL = MIGRATIONS_DIRECTORY): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith(".ts"))
    .sort()) {
    hash.update(`${file}\0${readFileSync(new URL(file, directory), "utf8")}\0`);
  }
  return `${TEMPLATE_NAME_PREFIX}${hash.digest("hex").slice(0, 12)}`;
}

export interface PreparedTemplate {
  readonly name: string;
  /** False when a run before this one had built it. */
  readonly built: boolean;
  /** Stale templates (other migration sets) dropped on the way. */
  readonly dropped: readonly string[];
}

/**
 * Makes sure the template of the current migrations exists and is complete, and drops templates
 * of other migration sets that no run has used for an hour (a run on another branch may still be
 * cloning its own). A template is complete once it is marked `is_template`: a run that died while
 * migrating leaves one without the mark, and the next run builds it again.
 */
export async function prepareTemplateDatabase(
  serverUrl: string = TEST_SERVER_URL,
): Promise<PreparedTemplate> {
  const name = templateDatabaseName();
  const admin = new pg.Client({
    connectionString: adminDatabaseUrl(serverUrl),
    connectionTimeoutMillis: 3_000,
  });
  await admin.connect();
  try {
    await admin.query("select pg_advisory_lock(hashtext('vpa test template'))");
    const { rows } = await admin.query<{ datname: string; datistemplate: boolean; comment: string | null }>(
      `select datname, datistemplate, shobj_description(oid, 'pg_database') as comment
         from pg_database where datname like $1`,
      [`${TEMPLATE_NAME_PREFIX}%`],
    );
    const current = rows.find((row) => row.datname === name);
    const built = current?.datistemplate !== true;
    if (built) {
      if (current !== undefined) await admin.query(`drop database ${name} with (force)`);
      await admin.query(`create database ${name}`);
      const handle = createDatabase({ url: urlWithDatabase(serverUrl, name), maxConnections: 1 });
      try {
        await migrateToLatest(handle.db);
      } finally {
        await handle.close();
      }
      await admin.query(`alter database ${name} is_template true`);
    }
    await admin.query(`comment on database ${name} is '${usedAtComment(new Date())}'`);

    const dropped: string[] = [];
    for (const row of rows) {
      if (row.datname === name || !isStale(row.comment, Date.now())) continue;
      try {
        await admin.query(`alter database ${row.datname} is_template false`);
        // No `with (force)`: a run still cloning it keeps it, and a later run drops it.
        await admin.query(`drop database ${row.datname}`);
        dropped.push(row.datname);
      } catch {
        // In use: left, still a complete template, for a later run to drop.
        await admin.query(`alter database ${row.datname} is_template true`).catch(() => {});
      }
    }
    return { name, built, dropped };
  } finally {
    await admin.query("select pg_advisory_unlock(hashtext('vpa test template'))").catch(() => {});
    await admin.end();
  }
}

function usedAtComment(now: Date): string {
  return `vpa test template, last used by a test run at ${now.toISOString()}`;
}

function isStale(comment: string | null, now: number): boolean {
  const usedAt = Date.parse(/at (\S+)$/.exec(comment ?? "")?.[1] ?? "");
  return Number.isNaN(usedAt) || now - usedAt > STALE_AFTER_MS;
}
