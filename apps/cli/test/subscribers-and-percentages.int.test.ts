import { createQueue } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { runVpa, type VpaRun } from "../../../test-support/vpa-process.ts";

/** Issue 9, item 2 (the command-line parts): Telegram group ids, channel warnings, `vpa subscribers`, percentages. */

function vpa(args: readonly string[], env: Record<string, string>): Promise<VpaRun> {
  return runVpa(args, env);
}

let database: TestDatabase;
const connection = testQueueConnection();
let env: Record<string, string>;
beforeAll(async () => {
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url, REDIS_URL: connection.redisUrl, QUEUE_PREFIX: connection.prefix };
});
afterAll(async () => {
  await obliterateQueues([createQueue("backtest", connection)]);
  await database?.drop();
});

describe("subscribers", () => {
  it("takes a Telegram group's negative chat id, and warns when the channel is not configured", async () => {
    const run = await vpa(["subscribe", "--telegram", "-1001234567890", "--min-score", "70"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("subscribed telegram -1001234567890");
    expect(run.stderr).toContain("warning: TELEGRAM_BOT_TOKEN is not set");
    const email = await vpa(["subscribe", "--email", "desk@example.com", "--quiet", "22:00-07:00"], {
      ...env,
      SMTP_URL: "smtp://127.0.0.1:2525",
    });
    expect(email.code, email.stderr).toBe(0);
    expect(email.stderr).toBe("");
  });

  it("lists every subscriber with channel, address, filters, quiet hours and whether it is active", async () => {
    expect((await vpa(["subscribe", "--console", "gone", "--symbols", "VCB,FPT"], env)).code).toBe(0);
    expect((await vpa(["unsubscribe", "--console", "gone"], env)).code).toBe(0);
    const table = await vpa(["subscribers"], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^id\s+channel\s+address\s+name\s+filters\s+quiet hours\s+active\s+delivery\s+language\s+paused until$/m,
    );
    expect(table.stdout).toMatch(/telegram\s+-1001234567890\s+score ≥ 70\s+yes/);
    expect(table.stdout).toMatch(/email\s+desk@example\.com\s+everything\s+22:00-07:00\s+yes/);
    expect(table.stdout).toMatch(/console\s+gone\s+FPT,VCB\s+no \(unsubscribed\)/);
    const json = await vpa(["subscribers", "--json"], env);
    const listed = JSON.parse(json.stdout) as { channel: string; address: string; isActive: boolean }[];
    expect(listed.map((s) => [s.channel, s.address, s.isActive])).toEqual([
      ["telegram", "-1001234567890", true],
      ["email", "desk@example.com", true],
      ["console", "gone", false],
    ]);
  });
});

describe("backtest percentages", () => {
  const base = ["backtest", "--symbols", "VCB", "--from", "2020-01-01", "--to", "2020-06-30"];

  it("accepts the README's sweep, 7 and 7% alike", async () => {
    const sweep = await vpa([...base, "--sweep", "stop-loss=5,7,10"], env);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stdout).toMatch(/^sweep of 3 runs sw-\w+: queued$/m);
    const bare = await vpa([...base, "--stop-loss", "7", "--run-id", "bare"], env);
    const percent = await vpa([...base, "--stop-loss", "7%", "--run-id", "bare"], env);
    expect(bare.code, bare.stderr).toBe(0);
    // The same config: the second submission finds the first run, not a conflict.
    expect(percent.code, percent.stderr).toBe(0);
    expect(percent.stdout).toContain("backtest bare: submitted before and still queued");
  });

  it("refuses a fraction in the old style, saying what it would mean", async () => {
    const run = await vpa([...base, "--stop-loss", "0.07"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--stop-loss 0.07 would be 0.07 %");
    const sweep = await vpa([...base, "--sweep", "trailing-stop=0.05,0.1"], env);
    expect(sweep.code).toBe(2);
  });
});
