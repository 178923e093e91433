import { describe, expect, it } from "vitest";
import { classifyServiceError } from "./classify-service-error.ts";
import { ServiceUnavailableError } from "./service-unavailable-error.ts";

const urls = {
  redisUrl: "redis://:s3cret@127.0.0.1:6390",
  databaseUrl: "postgres://vpa:pw@127.0.0.1:5439/vpa",
};

/** A socket error as Node reports it. */
function socketError(code: string, port: number, address = "127.0.0.1"): Error {
  return Object.assign(new Error(`connect ${code} ${address}:${port}`), {
    code,
    errno: -111,
    syscall: "connect",
    address,
    port,
  });
}

/** A PostgreSQL server error as pg reports it. */
function serverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: "FATAL" });
}

describe("classifyServiceError", () => {
  it("names the service a refused connection belongs to, by its port, with the URL's password masked", () => {
    const redis = classifyServiceError(socketError("ECONNREFUSED", 6390), urls);
    expect(redis?.message).toBe(
      "cannot reach Redis at redis://:***@127.0.0.1:6390 (ECONNREFUSED) — start it with ./vpa services up, or set REDIS_URL",
    );
    expect(redis?.code).toBe("REDIS_UNAVAILABLE");
    const postgres = classifyServiceError(socketError("ECONNREFUSED", 5439), urls);
    expect(postgres?.message).toBe(
      "cannot reach PostgreSQL at postgres://vpa:***@127.0.0.1:5439/vpa (ECONNREFUSED) — start it with ./vpa services up, or set DATABASE_URL",
    );
    expect(postgres?.message).not.toContain("pw");
  });

  it("looks inside a wrapping error (a migration's) and an AggregateError (a dual-stack connect)", () => {
    const wrapped = new Error("migration (setup) failed", {
      cause: new AggregateError([socketError("ECONNREFUSED", 5439, "::1")], "connect failed"),
    });
    expect(classifyServiceError(wrapped, urls)?.service).toBe("postgres");
  });

  it("says authentication failed for Redis's WRONGPASS and NOAUTH and PostgreSQL's class 28", () => {
    const wrongPass = classifyServiceError(
      new Error("WRONGPASS invalid username-password pair or user is disabled."),
      urls,
    );
    expect(wrongPass?.failure).toBe("authentication");
    expect(wrongPass?.message).toContain("authentication failed (WRONGPASS");
    expect(wrongPass?.message).toContain("REDIS_URL");
    const noAuth = classifyServiceError(new Error("NOAUTH HELLO must be called with the client..."), urls);
    expect(noAuth?.message).toContain("authentication failed (NOAUTH: the server requires a password)");
    const postgres = classifyServiceError(
      serverError("28P01", 'password authentication failed for user "vpa"'),
      urls,
    );
    expect(postgres?.service).toBe("postgres");
    expect(postgres?.message).toContain("authentication failed (28P01");
    expect(postgres?.message).toContain("DATABASE_URL");
  });

  it("tells a missing database and a server still starting from an outage", () => {
    expect(classifyServiceError(serverError("3D000", 'database "vpa" does not exist'), urls)?.message).toBe(
      'PostgreSQL at postgres://vpa:***@127.0.0.1:5439/vpa: database "vpa" does not exist (3D000: database "vpa" does not exist) — create it with ./vpa services up, or set DATABASE_URL',
    );
    expect(
      classifyServiceError(serverError("57P03", "the database system is starting up"), urls)?.failure,
    ).toBe("starting");
    expect(classifyServiceError(new Error("timeout exceeded when trying to connect"), urls)?.failure).toBe(
      "timeout",
    );
  });

  it("gives the reason Redis's connection last reported when the error only says it is closed", () => {
    const closed = new Error("Connection is closed.");
    expect(classifyServiceError(closed, urls)?.message).toContain("(connection closed)");
    const refused = socketError("ECONNREFUSED", 6390);
    expect(classifyServiceError(closed, urls, refused)?.message).toContain("(ECONNREFUSED)");
    const timedOut = new ServiceUnavailableError({
      service: "redis",
      failure: "timeout",
      url: urls.redisUrl,
      detail: "no answer within 3 s",
    });
    const wrongPass = new Error("WRONGPASS invalid username-password pair");
    expect(classifyServiceError(timedOut, urls, wrongPass)?.failure).toBe("authentication");
  });

  it("leaves every other error alone", () => {
    expect(classifyServiceError(new Error('relation "x" does not exist'), urls)).toBeNull();
    expect(classifyServiceError(serverError("42P01", 'relation "x" does not exist'), urls)).toBeNull();
    expect(classifyServiceError(socketError("ECONNREFUSED", 1), urls)).toBeNull();
    expect(classifyServiceError("a string", urls)).toBeNull();
  });
});
