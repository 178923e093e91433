import { describe, expect, test } from "vitest";
import { decideServiceAction, type ServiceSituation } from "./decide-service-action.ts";

/** A fresh machine as root on Debian with nothing listening: the situation each case varies. */
const freshLoopback: ServiceSituation = {
  name: "postgres",
  url: "postgres://postgres@127.0.0.1:5432/vpa",
  listener: "none",
  listenerDetail: "connect ECONNREFUSED 127.0.0.1:5432",
  loopback: true,
  binariesFound: true,
  root: true,
  aptAvailable: true,
  allowInstall: true,
  installAttempted: false,
};

function failureOf(situation: ServiceSituation): { code: string; message: string } {
  const action = decideServiceAction(situation);
  if (action.kind !== "fail") throw new Error(`expected a failure, got ${action.kind}`);
  return action;
}

describe("decideServiceAction", () => {
  test("a server that answers is used, wherever it is and whatever is installed", () => {
    for (const loopback of [true, false]) {
      for (const binariesFound of [true, false]) {
        expect(decideServiceAction({ ...freshLoopback, listener: "ready", loopback, binariesFound })).toEqual(
          {
            kind: "use-running",
          },
        );
      }
    }
  });

  test("nothing listening on loopback with binaries: start a private server", () => {
    expect(decideServiceAction(freshLoopback)).toEqual({ kind: "start-private" });
    expect(decideServiceAction({ ...freshLoopback, root: false, aptAvailable: false })).toEqual({
      kind: "start-private",
    });
  });

  test("binaries missing, root with apt-get: install the distribution packages", () => {
    expect(decideServiceAction({ ...freshLoopback, binariesFound: false })).toEqual({
      kind: "install-packages",
      packages: ["postgresql"],
    });
    expect(decideServiceAction({ ...freshLoopback, name: "redis", binariesFound: false })).toEqual({
      kind: "install-packages",
      packages: ["redis-server"],
    });
  });

  test.each([
    ["not root", { root: false }, "installing needs root"],
    ["no apt-get", { aptAvailable: false }, "no apt-get"],
    ["install disabled", { allowInstall: false }, "installing is disabled"],
    ["already installed once", { installAttempted: true }, "even after apt-get install"],
  ])(
    "binaries missing and %s: unavailable, with the Docker way and the variable to set",
    (_, change, reason) => {
      const failure = failureOf({ ...freshLoopback, binariesFound: false, ...change });
      expect(failure.code).toBe("SERVICES_UNAVAILABLE");
      expect(failure.message).toContain(reason);
      expect(failure.message).toContain("initdb and pg_ctl are not installed");
      expect(failure.message).toContain("docker compose up -d redis postgres");
      expect(failure.message).toContain("DATABASE_URL");
    },
  );

  test("an unreachable remote host is never started or installed: unavailable", () => {
    const failure = failureOf({
      ...freshLoopback,
      name: "redis",
      url: "redis://192.0.2.1:6379",
      listenerDetail: "connect ETIMEDOUT 192.0.2.1:6379",
      loopback: false,
    });
    expect(failure.code).toBe("SERVICES_UNAVAILABLE");
    expect(failure.message).toContain("redis://192.0.2.1:6379");
    expect(failure.message).toContain("not this machine");
    expect(failure.message).toContain("docker compose up -d redis postgres");
    expect(failure.message).toContain("REDIS_URL");
  });

  test("a port held by another program is a conflict, not a reason to start a second server", () => {
    const failure = failureOf({
      ...freshLoopback,
      listener: "foreign",
      listenerDetail: "not a PostgreSQL server",
    });
    expect(failure.code).toBe("SERVICES_PORT_IN_USE");
    expect(failure.message).toContain("something that is not PostgreSQL listens at");
  });

  test("a server that refuses us is reported with the credentials to check", () => {
    const failure = failureOf({
      ...freshLoopback,
      listener: "rejected",
      listenerDetail: "password authentication failed",
    });
    expect(failure.code).toBe("SERVICES_REJECTED");
    expect(failure.message).toContain("password authentication failed");
    expect(failure.message).toContain("DATABASE_URL");
  });

  test("a server still starting after the wait is unavailable for now", () => {
    expect(failureOf({ ...freshLoopback, listener: "starting" }).code).toBe("SERVICES_UNAVAILABLE");
  });
});
