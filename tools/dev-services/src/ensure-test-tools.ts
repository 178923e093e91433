import { decideTestToolsAction } from "./decide-test-tools-action.ts";
import { findExecutable } from "./find-binaries.ts";
import { locateTestTools } from "./find-tool.ts";
import { installAptPackages } from "./install-packages.ts";
import { isRoot } from "./service-account.ts";
import { ServicesError } from "./services-error.ts";
import { type TestToolName, testToolNames } from "./test-tools.ts";

export interface EnsureTestToolsOptions {
  /** The tools to make sure of. Default: every one in `testTools`. */
  tools?: readonly TestToolName[];
  /** Default `true`: as root with apt-get, install what is missing. `false`: only check. */
  allowInstall?: boolean;
  /** One line per install; nothing when every tool is there. Default: discard. */
  log?: (line: string) => void;
  /**
   * Per apt-get step (update, install), in milliseconds. Default 600000 (10 minutes): chromium
   * alone is ~100 MB to download.
   */
  installTimeoutMs?: number;
}

/**
 * Makes sure the programs the test suite runs (chromium, promtool, redis-server, redis-cli,
 * pgbouncer) exist: when some are missing and this process is root on Debian/Ubuntu, installs
 * their packages with apt-get (update first, non-interactive, bounded in time); otherwise throws a
 * `SERVICES_TOOL_MISSING` error whose one-line message says what to install. Returns each tool's path.
 * With everything installed it only looks at the file system (a few `access` calls).
 */
export async function ensureTestTools(
  options: EnsureTestToolsOptions = {},
): Promise<Map<TestToolName, string>> {
  const names = options.tools ?? testToolNames;
  const log = options.log ?? (() => {});
  const aptGet = await findExecutable("apt-get");
  let installAttempted = false;
  for (;;) {
    const located = await locateTestTools(names);
    const missing = names.filter((name) => located.get(name) === undefined);
    const action = decideTestToolsAction({
      missing,
      root: isRoot(),
      aptAvailable: aptGet !== undefined,
      allowInstall: options.allowInstall ?? true,
      installAttempted,
    });
    switch (action.kind) {
      case "ready":
        return located as Map<TestToolName, string>;
      case "install-packages": {
        const timeoutMs = options.installTimeoutMs ?? 600_000;
        log(
          `test tools: installing ${action.packages.join(" ")} with apt-get for ${missing.join(", ")} (up to ${Math.round((2 * timeoutMs) / 60_000)} min)...`,
        );
        await installAptPackages(aptGet ?? "apt-get", action.packages, { timeoutMs, log: () => {} });
        installAttempted = true;
        continue;
      }
      case "fail":
        throw new ServicesError(action.code, action.message);
    }
  }
}
