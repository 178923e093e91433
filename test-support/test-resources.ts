/**
 * The registry of what one integration test file creates on the shared servers: every queue prefix
 * it is handed (its Redis keys, job schedulers, rate-limiter keys and workers live under it) and
 * every database `createTestDatabase` made for it. The leak check (leak-check-setup.ts) reads it
 * after the file's own `afterAll` hooks and fails the file if anything is left.
 *
 * Vitest runs each test file in a fresh worker (`isolate: true`), so a registry is one file's. It
 * lives on `globalThis` rather than in a module variable so that a second copy of this module (the
 * same path imported under another specifier) still records into the same registry.
 *
 * Glossary: a *resource* is a prefix or a database; its *site* is the test line that created it
 * (`apps/scanner/test/scan.int.test.ts:36`), named in a leak report.
 */

export interface RecordedPrefix {
  readonly prefix: string;
  readonly redisUrl: string;
  readonly site: string;
}

export interface RecordedDatabase {
  readonly name: string;
  readonly site: string;
  /** Set by `drop()`; the check still asks the server, since a drop can fail. */
  dropped: boolean;
}

export interface TestResources {
  readonly prefixes: RecordedPrefix[];
  readonly databases: RecordedDatabase[];
}

const REGISTRY = Symbol.for("vpa.test-resources");

/** This file's registry (created on first use). */
export function testResources(): TestResources {
  const holder = globalThis as { [REGISTRY]?: TestResources };
  holder[REGISTRY] ??= { prefixes: [], databases: [] };
  return holder[REGISTRY];
}

export function recordQueuePrefix(prefix: string, redisUrl: string): void {
  testResources().prefixes.push({ prefix, redisUrl, site: creationSite() });
}

export function recordTestDatabase(name: string): RecordedDatabase {
  const record: RecordedDatabase = { name, site: creationSite(), dropped: false };
  testResources().databases.push(record);
  return record;
}

const ROOT = new URL("..", import.meta.url).pathname;
const HELPERS = new URL(".", import.meta.url).pathname;

/** A module of test-support itself (not a test or fixture kept there): never the creation site. */
function isHelper(file: string): boolean {
  return file.startsWith(HELPERS) && !file.slice(HELPERS.length).includes("/") && !file.endsWith(".test.ts");
}

/**
 * The first stack frame outside node_modules and test-support's helpers: the test line that asked
 * for the resource, relative to the repository root. `(unknown)` when there is none.
 */
export function creationSite(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  for (const frame of frames) {
    const match = /(?:file:\/\/)?(\/[^\s()]+?):(\d+):\d+\)?$/.exec(frame.trim());
    if (match === null) continue;
    const [, file = "", line] = match;
    if (isHelper(file) || file.includes("/node_modules/") || file.startsWith("/@")) continue;
    return `${file.startsWith(ROOT) ? file.slice(ROOT.length) : file}:${line}`;
  }
  return "(unknown)";
}
