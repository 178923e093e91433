/**
 * The chaos suite's short version for CI (the full one is bench/chaos, run on demand): real
 * `vpa worker alerts` ×2 and `vpa worker scanner` processes against this test run's Redis and
 * PostgreSQL (own database and queue prefix), a loopback Telegram Bot API that enforces the flood
 * limits, one kill -9 of an alert worker in the middle of the fan-out while Telegram answers a
 * burst of 502s and a 429 storm. Every expected delivery must arrive exactly once (one `uncertain`
 * is the unavoidable window of the kill), nothing may be left `sending`, and every worker must be
 * taking jobs again on its own. On failure the message carries the whole chaos report.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatScenarioDetail, formatSummaryTable } from "../../../bench/chaos/chaos-report.ts";
import { useExistingServices } from "../../../bench/chaos/chaos-services.ts";
import { runChaosSuite } from "../../../bench/chaos/chaos-suite.ts";
import type { ChaosSizes } from "../../../bench/chaos/run-scenario.ts";
import { TEST_SERVER_URL } from "../../../test-support/database.ts";
import { TEST_REDIS_URL } from "../../../test-support/queues.ts";

/** About 150 expected deliveries to 8 chats: the fan-out takes ~15–20 s at Telegram's limits. */
const SMOKE_SIZES: ChaosSizes = {
  dataset: "fixtures",
  symbols: 12,
  chats: 8,
  groups: 1,
  lookbackDays: 20,
  seed: 1,
  kills: 1,
  terms: 0,
  alertWorkers: 2,
  pgDownSeconds: 0,
  redisDownSeconds: 0,
  // From the scan; with set-up (~10 s) and the checks after, the test stays under a minute.
  drainTimeoutSeconds: 42,
  quietSeconds: 5,
};

describe("chaos smoke", () => {
  it("one kill -9 of an alert worker during Telegram 5xx and 429s: nothing lost, nothing duplicated", async () => {
    const lines: string[] = [];
    const runDir = await mkdtemp(join(tmpdir(), "vpa-chaos-smoke-"));
    const results = await runChaosSuite({
      scenarios: ["smoke"],
      services: useExistingServices(TEST_REDIS_URL, TEST_SERVER_URL),
      ownsServices: false,
      sizes: SMOKE_SIZES,
      runDir,
      log: (line) => lines.push(line),
    });
    const result = results[0]!;
    const report = `\n${formatSummaryTable(results)}\n\n${formatScenarioDetail(result)}\n\n${lines.join("\n")}`;
    expect(result.error, report).toBeUndefined();
    expect(result.expected, report).toBeGreaterThan(0);
    expect(
      {
        lost: result.lost,
        duplicated: result.duplicated,
        leftSending: result.sendingRows,
        uncertainWithinAllowance: result.uncertain <= result.uncertainAllowance,
        settled: result.stoppedBecause,
        workersRecovered: result.recovered,
      },
      report,
    ).toEqual({
      lost: 0,
      duplicated: 0,
      leftSending: 0,
      uncertainWithinAllowance: true,
      settled: "settled",
      workersRecovered: true,
    });
    // The worker logs stay in runDir (named in the report) when the test fails.
    await rm(runDir, { recursive: true, force: true });
  }, 90_000);
});
