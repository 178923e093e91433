import { createBacktestRun } from "@vpa/db";
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import {
  BacktestRunNotRegisteredError,
  NoBarsToTestError,
  parseBacktestJobConfig,
  type RunConfig,
  runBacktestJob,
  runSweepJob,
  type SweepConfig,
} from "../src/index.ts";

const progress = { updateProgress: async () => {} };
const run = parseBacktestJobConfig({
  symbols: ["NOBARS"],
  from: "2020-01-01",
  to: "2020-12-31",
  minScore: 50,
}) as RunConfig;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/**
 * A job that no retry can fix ends at once, and says why with a stable code (the worker's log and
 * the run's stored error carry it), instead of a bare UnrecoverableError message.
 */
describe("backtest jobs end with coded errors", () => {
  it("a run id with no row: BACKTEST_RUN_NOT_REGISTERED, not retried", async () => {
    const failing = runBacktestJob(database.db, "never-submitted", run, progress);
    await expect(failing).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(failing).rejects.toBeInstanceOf(BacktestRunNotRegisteredError);
    await expect(failing).rejects.toMatchObject({
      code: "BACKTEST_RUN_NOT_REGISTERED",
      message: "backtest run never-submitted is not registered: submit it with vpa backtest",
    });
    const sweep = parseBacktestJobConfig({
      kind: "sweep",
      base: { symbols: ["NOBARS"], from: "2020-01-01", to: "2020-12-31" },
      grid: [{ key: "minScore", values: [50, 70] }],
      rankBy: "totalReturn",
    }) as SweepConfig;
    await expect(runSweepJob(database.db, "never-swept", sweep)).rejects.toMatchObject({
      code: "BACKTEST_RUN_NOT_REGISTERED",
    });
  });

  it("a universe without stored bars: BACKTEST_NO_BARS, naming the symbols", async () => {
    await createBacktestRun(database.db, { id: "no-bars", kind: "run", config: run });
    const failing = runBacktestJob(database.db, "no-bars", run, progress);
    await expect(failing).rejects.toBeInstanceOf(NoBarsToTestError);
    await expect(failing).rejects.toMatchObject({
      code: "BACKTEST_NO_BARS",
      message: expect.stringContaining("NOBARS (1D)"),
    });
  });
});
