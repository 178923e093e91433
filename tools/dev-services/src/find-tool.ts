import { findExecutable } from "./find-binaries.ts";
import { ServicesError } from "./services-error.ts";
import { type TestToolName, testTools } from "./test-tools.ts";

/**
 * Full path of a program the tests need (PATH first, then /usr/sbin and /sbin, where Debian puts
 * pgbouncer), or a `SERVICES_TOOL_MISSING` error that says which package to install.
 *
 * @example
 * const chromium = await findTool("chromium"); // "/usr/bin/chromium"
 * execFile(await findTool("promtool"), ["check", "rules", "deploy/alerts.yml"]);
 */
export async function findTool(name: TestToolName): Promise<string> {
  const found = await findExecutable(name);
  if (found !== undefined) return found;
  throw new ServicesError(
    "SERVICES_TOOL_MISSING",
    `${name} is not installed (Debian/Ubuntu: sudo apt-get install ${testTools[name].aptPackage}; ./vpa test installs it when run as root)`,
  );
}

/** Each tool's path, or undefined where it is missing. */
export async function locateTestTools(
  names: readonly TestToolName[],
): Promise<Map<TestToolName, string | undefined>> {
  const found = await Promise.all(names.map(async (name) => [name, await findExecutable(name)] as const));
  return new Map(found);
}
