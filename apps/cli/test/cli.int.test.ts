import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const NODE = resolve(ROOT, "node_modules/.bin/node");
const MAIN = resolve(ROOT, "apps/cli/src/main.ts");

function vpa(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(NODE, [MAIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("vpa command line", () => {
  it("rejects bad configuration with one message listing every problem (exit 2)", () => {
    const { code, stderr } = vpa(["signals"], {
      DATABASE_URL: "mysql://x",
      ANALYZE_CONCURRENCY: "0",
      SMTP_URL: "nope",
    });
    expect(code).toBe(2);
    expect(stderr).toContain("3 problems");
    for (const name of ["DATABASE_URL", "ANALYZE_CONCURRENCY", "SMTP_URL"]) expect(stderr).toContain(name);
  });

  it("rejects an unknown command or option with usage (exit 2)", () => {
    expect(vpa(["frobnicate"]).code).toBe(2);
    const bad = vpa(["signals", "--min-score", "200"], { DATABASE_URL: database.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--min-score must be a whole number from 0 to 100");
  });

  it("subscribes with quiet hours, and refuses a malformed window", async () => {
    const ok = vpa(["subscribe", "--email", "night@example.com", "--quiet", "22:00-07:00"], {
      DATABASE_URL: database.url,
    });
    expect(ok.code).toBe(0);
    const { listSubscribers } = await import("@vpa/db");
    const me = (await listSubscribers(database.db)).find((s) => s.address === "night@example.com");
    expect(me?.quietHours).toEqual({ start: 1320, end: 420 });
    const bad = vpa(["subscribe", "--email", "night@example.com", "--quiet", "late"], {
      DATABASE_URL: database.url,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--quiet takes HH:MM-HH:MM");
  });

  it("imports with exit code 3 when rows were rejected, keeping the valid ones, and lists signals", () => {
    const bad = resolve(ROOT, "apps/scanner/test/fixtures/bad-rows.csv");
    const imported = vpa(["import", bad], { DATABASE_URL: database.url });
    expect(imported.code).toBe(3);
    expect(imported.stdout).toContain("imported 3 bars of 2 symbols");
    expect(imported.stdout).toContain("high-below-low: 1");
    const missing = vpa(["import", "/nonexistent.csv"], { DATABASE_URL: database.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file or directory");
    const signals = vpa(["signals", "--json"], { DATABASE_URL: database.url });
    expect(signals.code).toBe(0);
  });

  it("analyzes a bar file offline as JSON Lines, with no database or Redis configured", () => {
    const fixture = resolve(ROOT, "fixtures/vn30-daily-2018-2021.csv.gz");
    const { code, stdout } = vpa(["analyze", fixture, "--symbol", "VCB", "--json"], {
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      REDIS_URL: "redis://127.0.0.1:1",
    });
    expect(code).toBe(0);
    const records = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records.length).toBeGreaterThan(20);
    expect(records.every((r) => r.symbol === "VCB")).toBe(true);
    expect(records.some((r) => r.kind === "signal")).toBe(true);
    const times = records.map((r) => r.time);
    expect([...times].sort()).toEqual(times);
  });
});
