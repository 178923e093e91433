import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { testQueueConnection } from "../../../../test-support/queues.ts";
import { runVpa, type VpaRun } from "../../../../test-support/vpa-process.ts";

/** Issue 11: `vpa subscribe --digest on|off|top N --lang vi|en`, and the settings in `vpa subscribers`. */

function vpa(args: readonly string[], env: Record<string, string>): Promise<VpaRun> {
  return runVpa(args, env);
}

interface ListedSubscriber {
  readonly address: string;
  readonly deliveryMode: string;
  readonly digestTop: number;
  readonly language: string | null;
  readonly live: boolean;
}

let database: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  database = await createTestDatabase();
  const connection = testQueueConnection();
  env = { DATABASE_URL: database.url, REDIS_URL: connection.redisUrl, QUEUE_PREFIX: connection.prefix };
});
afterAll(async () => {
  await database?.drop();
});

async function listed(address: string): Promise<ListedSubscriber | undefined> {
  const run = await vpa(["subscribers", "--json"], env);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as ListedSubscriber[]).find((s) => s.address === address);
}

describe("vpa subscribe --digest and --lang", () => {
  it("sets how alerts reach the subscriber and their language, and says so", {
    timeout: 60_000,
  }, async () => {
    const run = await vpa(["subscribe", "--console", "desk", "--digest", "off", "--lang", "en"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("subscribed console desk");
    expect(run.stdout).toContain("settings: every alert at once, language en");
    expect(await listed("desk")).toMatchObject({ deliveryMode: "instant", digestTop: 10, language: "en" });
  });

  // Each test runs the CLI several times, a few seconds each on a loaded machine.
  it("takes the digest's length as top N, top=N or 'top N', and leaves the rest as it was", {
    timeout: 120_000,
  }, async () => {
    for (const [args, top] of [
      [["--digest", "top", "5"], 5],
      [["--digest", "top=7"], 7],
      [["--digest", "top 3"], 3],
    ] as const) {
      const run = await vpa(["subscribe", "--console", "desk", ...args], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`settings: digests list the top ${top}`);
    }
    expect(await listed("desk")).toMatchObject({ deliveryMode: "instant", digestTop: 3, language: "en" });
    const on = await vpa(["subscribe", "--console", "desk", "--digest", "on"], env);
    expect(on.stdout).toContain("settings: one digest per scan");
    expect(await listed("desk")).toMatchObject({ deliveryMode: "digest", digestTop: 3, language: "en" });
  });

  it("refuses a setting it does not know, saying what it takes, and stores nothing", {
    timeout: 120_000,
  }, async () => {
    const refusals = [
      ["--digest", "top", "51"],
      ["--digest", "top", "0"],
      ["--digest", "top"],
      ["--digest", "maybe"],
      ["--lang", "fr"],
    ];
    const runs = await Promise.all(
      refusals.map((args) => vpa(["subscribe", "--console", "other", ...args], env)),
    );
    runs.forEach((run, index) => {
      const args = refusals[index]!;
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(
        args[0] === "--lang"
          ? /--lang takes vi .* or en/
          : /--digest takes on, off or top N \(N from 1 to 50/,
      );
    });
    expect(await listed("other")).toBeUndefined();
  });

  it("--live opts the subscriber in to provisional alerts of forming intraday bars", {
    timeout: 60_000,
  }, async () => {
    expect((await vpa(["subscribe", "--console", "trader"], env)).code).toBe(0);
    expect(await listed("trader")).toMatchObject({ live: false });
    const run = await vpa(["subscribe", "--console", "trader", "--live"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("settings: provisional alerts of forming intraday bars too (live)");
    expect(await listed("trader")).toMatchObject({ live: true, deliveryMode: "digest" });
  });

  it("shows delivery, language and pause in vpa subscribers", { timeout: 60_000 }, async () => {
    expect((await vpa(["subscribe", "--email", "lan@example.com"], env)).code).toBe(0);
    const table = await vpa(["subscribers"], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^id\s+channel\s+address\s+name\s+filters\s+quiet hours\s+active\s+delivery\s+language\s+paused until$/m,
    );
    expect(table.stdout).toMatch(/console\s+desk\s+everything\s+yes\s+digest 3\s+en$/m);
    // Chose no language: the operator's ALERT_LANGUAGE (vi unless set).
    expect(table.stdout).toMatch(
      /email\s+lan@example\.com\s+everything\s+yes\s+digest 10\s+vi \(default\)$/m,
    );
  });
});
