/**
 * The programs the test suite runs besides Redis and PostgreSQL, with the Debian/Ubuntu package
 * that provides each. `vpa services up --test-tools` (run by `./vpa test`) makes sure they exist;
 * tests locate them with `findTool`.
 */
export const testTools = {
  /** Headless browser tests of the web dashboard. */
  chromium: { aptPackage: "chromium" },
  /** Checks the Prometheus rules and the /metrics output (`promtool check ...`). */
  promtool: { aptPackage: "prometheus" },
  /** Private servers, including cluster mode. */
  "redis-server": { aptPackage: "redis-server" },
  /** `redis-cli --cluster create` for the cluster tests. */
  "redis-cli": { aptPackage: "redis-tools" },
  /** Connection pooling in front of PostgreSQL. */
  pgbouncer: { aptPackage: "pgbouncer" },
} as const satisfies Record<string, { aptPackage: string }>;

export type TestToolName = keyof typeof testTools;

export const testToolNames = Object.keys(testTools) as TestToolName[];

/** The distinct packages that provide `tools`, in the order given. */
export function aptPackagesFor(tools: readonly TestToolName[]): string[] {
  return [...new Set(tools.map((tool) => testTools[tool].aptPackage))];
}
