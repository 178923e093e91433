import { describe, expect, test } from "vitest";
import { decideTestToolsAction, type TestToolsSituation } from "./decide-test-tools-action.ts";

/** A fresh Debian machine as root, chromium and promtool missing: the situation each case varies. */
const freshDebian: TestToolsSituation = {
  missing: ["chromium", "promtool"],
  root: true,
  aptAvailable: true,
  allowInstall: true,
  installAttempted: false,
};

function failureOf(situation: TestToolsSituation): { code: string; message: string } {
  const action = decideTestToolsAction(situation);
  if (action.kind !== "fail") throw new Error(`expected a failure, got ${action.kind}`);
  return action;
}

describe("decideTestToolsAction", () => {
  test("everything installed: ready, whoever runs it and whatever apt can do", () => {
    for (const root of [true, false]) {
      for (const aptAvailable of [true, false]) {
        expect(decideTestToolsAction({ ...freshDebian, missing: [], root, aptAvailable })).toEqual({
          kind: "ready",
        });
      }
    }
  });

  test("missing as root with apt-get: install the Debian packages that provide them", () => {
    expect(decideTestToolsAction(freshDebian)).toEqual({
      kind: "install-packages",
      packages: ["chromium", "prometheus"],
    });
  });

  test("redis-server and redis-cli come from two packages; each package is asked for once", () => {
    expect(
      decideTestToolsAction({ ...freshDebian, missing: ["redis-server", "redis-cli", "pgbouncer"] }),
    ).toEqual({ kind: "install-packages", packages: ["redis-server", "redis-tools", "pgbouncer"] });
  });

  test.each([
    ["not root", { root: false }, "installing needs root"],
    ["no apt-get", { aptAvailable: false }, "this machine has no apt-get"],
    ["install disabled", { allowInstall: false }, "installing is disabled"],
    ["already installed once", { installAttempted: true }, "still missing after apt-get install"],
  ])("missing and %s: one line naming the tools, the reason and the apt-get command", (_, change, reason) => {
    const failure = failureOf({ ...freshDebian, ...change });
    expect(failure.code).toBe("SERVICES_TOOL_MISSING");
    expect(failure.message).not.toContain("\n");
    expect(failure.message).toContain("chromium, promtool not found");
    expect(failure.message).toContain(reason);
    expect(failure.message).toContain("sudo apt-get install chromium prometheus");
  });
});
