import { getBacktestRun } from "@vpa/db";
import { createQueue } from "@vpa/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, testQueueConnection } from "../../../test-support/queues.ts";
import { BacktestRunIdTooLongError, MAX_RUN_ID_LENGTH, submitBacktest } from "../src/index.ts";

const connection = testQueueConnection();
const queue = createQueue("backtest", connection);
const base = { symbols: ["FPT", "VCB"], from: "2019-01-01", to: "2021-06-30", maxHoldDays: 20 };
const grid = [{ key: "minScore" as const, values: [50, 70] }];

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await obliterateQueues([queue]);
  await database?.drop();
});

async function storedRunIds(): Promise<string[]> {
  const rows = await database.db.selectFrom("backtest_runs").select("id").execute();
  return rows.map((row) => row.id);
}

describe("a run id too long for its runs is refused before anything is stored", () => {
  it("a sweep: no orphan `queued` sweep row, and the error says how long the id may be", async () => {
    const runId = "s".repeat(MAX_RUN_ID_LENGTH - 3); // its runs would be `<id>-001`: 65 characters
    const submitting = submitBacktest(database.db, queue, connection, {
      runId,
      config: { kind: "sweep", base, grid, rankBy: "totalReturn" },
    });
    await expect(submitting).rejects.toBeInstanceOf(BacktestRunIdTooLongError);
    await expect(submitting).rejects.toMatchObject({
      code: "BACKTEST_RUN_ID_TOO_LONG",
      message: expect.stringContaining("at most 60 characters"),
    });
    expect(await getBacktestRun(database.db, runId)).toBeUndefined();
    expect(await storedRunIds()).toEqual([]);
    expect(await queue.queue.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, "waiting-children": 0 });
  });

  it("a walk-forward: neither the walk-forward nor its first training sweep is left behind", async () => {
    const runId = "w".repeat(MAX_RUN_ID_LENGTH - 7); // `<id>-w01-001`: 65 characters
    await expect(
      submitBacktest(database.db, queue, connection, {
        runId,
        config: { kind: "walk-forward", base, grid, trainMonths: 12, testMonths: 6 },
      }),
    ).rejects.toMatchObject({
      code: "BACKTEST_RUN_ID_TOO_LONG",
      message: expect.stringContaining("at most 56"),
    });
    expect(await storedRunIds()).toEqual([]);
  });

  it("the longest id that fits is taken", async () => {
    const runId = "k".repeat(MAX_RUN_ID_LENGTH - 4);
    const submitted = await submitBacktest(database.db, queue, connection, {
      runId,
      config: { kind: "sweep", base, grid, rankBy: "totalReturn" },
    });
    expect(submitted.children).toEqual([`${runId}-001`, `${runId}-002`]);
    expect((await storedRunIds()).sort()).toEqual([runId, `${runId}-001`, `${runId}-002`]);
  });
});
