import { describe, expect, test } from "vitest";
import { isLoopbackHost, parsePostgresUrl, parseRedisUrl, redactUrl } from "./service-url.ts";
import { ServicesError } from "./services-error.ts";

describe("service URLs", () => {
  test("postgres URL: libpq defaults for port, user and database", () => {
    expect(parsePostgresUrl("postgres://127.0.0.1/")).toEqual({
      host: "127.0.0.1",
      port: 5432,
      user: "postgres",
      database: "postgres",
      sslMode: "disable",
    });
    expect(parsePostgresUrl("postgresql://vpa:p%40ss@[::1]:6543/vpa_db?sslmode=require")).toEqual({
      host: "::1",
      port: 6543,
      user: "vpa",
      password: "p@ss",
      database: "vpa_db",
      sslMode: "require",
    });
  });

  test("redis URL: default port, password decoded", () => {
    expect(parseRedisUrl("redis://localhost")).toEqual({ host: "localhost", port: 6379 });
    expect(parseRedisUrl("redis://:s%3Acret@127.0.0.1:6380/2")).toEqual({
      host: "127.0.0.1",
      port: 6380,
      password: "s:cret",
    });
  });

  test("loopback hosts are the only ones vpa may start servers for", () => {
    for (const host of ["localhost", "127.0.0.1", "127.0.1.1", "::1", "[::1]"])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["192.0.2.1", "db.example.com", "0.0.0.0"]) expect(isLoopbackHost(host)).toBe(false);
  });

  test("passwords never reach logs; a bad URL is a ServicesError that does not echo the password", () => {
    expect(redactUrl("postgres://vpa:secret@db:5432/vpa")).toBe("postgres://vpa:***@db:5432/vpa");
    expect(() => parseRedisUrl("http://:secret@localhost")).toThrowError(ServicesError);
    expect(() => parseRedisUrl("http://:secret@localhost")).toThrowError(
      /REDIS_URL must start with redis:\/\//,
    );
    expect(() => parseRedisUrl("http://:secret@localhost")).not.toThrowError(/secret/);
  });
});
