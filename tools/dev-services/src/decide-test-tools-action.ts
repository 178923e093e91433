import type { ServicesErrorCode } from "./services-error.ts";
import { aptPackagesFor, type TestToolName } from "./test-tools.ts";

/** Everything `ensureTestTools` weighs, gathered by the caller (no I/O here). */
export interface TestToolsSituation {
  /** The tools not found on PATH or in the sbin directories. */
  missing: readonly TestToolName[];
  /** Running as root (uid 0). */
  root: boolean;
  /** apt-get is on this machine (Debian/Ubuntu). */
  aptAvailable: boolean;
  /** `EnsureTestToolsOptions.allowInstall`. */
  allowInstall: boolean;
  /** An install already ran in this call: never loop on a failing install. */
  installAttempted: boolean;
}

export type TestToolsAction =
  | { kind: "ready" }
  | { kind: "install-packages"; packages: readonly string[] }
  | { kind: "fail"; code: ServicesErrorCode; message: string };

/** Decides what `ensureTestTools` does. Pure: same situation, same action. */
export function decideTestToolsAction(situation: TestToolsSituation): TestToolsAction {
  if (situation.missing.length === 0) return { kind: "ready" };
  const packages = aptPackagesFor(situation.missing);
  const reason = situation.installAttempted
    ? "still missing after apt-get install"
    : !situation.allowInstall
      ? "installing is disabled"
      : !situation.aptAvailable
        ? "this machine has no apt-get"
        : !situation.root
          ? "installing needs root"
          : undefined;
  if (reason === undefined) return { kind: "install-packages", packages };
  // One line: it is what a user sees before the test run stops.
  return {
    kind: "fail",
    code: "SERVICES_TOOL_MISSING",
    message: `test tools: ${situation.missing.join(", ")} not found (${reason}); install them (Debian/Ubuntu: sudo apt-get install ${packages.join(" ")}) and run again`,
  };
}
