/**
 * `vpa signals` shows each signal's evidence from the stored track record: a column in the table,
 * a structured `evidence` object in `--json`.
 */
import { insertSignals, type SignalInput, upsertSignalOutcomes, upsertStocks } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { runVpa, type VpaRun, vpaEnvironment } from "../../../test-support/vpa-process.ts";

function vpa(args: string[]): Promise<VpaRun> {
  return runVpa(args, vpaEnvironment(database));
}

function upthrust(time: string): SignalInput {
  return {
    time,
    type: "UPTHRUST",
    bias: "bear",
    score: 81,
    confidence: 0.65,
    priority: "HIGH",
    variant: null,
    features: { vr: 2.1, sr: 1.6, cl: 0.2, trend: "up" },
    close: 30,
    volume: 3_000_000,
    priceChange: -0.01,
  };
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  const stockId = (await upsertStocks(database.db, [{ symbol: "SSI", exchange: "HOSE" }])).get("SSI")!;
  // 36 UPTHRUSTs a day apart from 2021-03-01, final a week later: 27 fell 2%, 9 rose; chance 18 and 18.
  const history = await insertSignals(
    database.db,
    stockId,
    "1D",
    Array.from({ length: 36 }, (_, i) =>
      upthrust(new Date(Date.UTC(2021, 2, 1) + i * 86_400_000).toISOString().slice(0, 10)),
    ),
  );
  await upsertSignalOutcomes(
    database.db,
    history.map((signal, i) => {
      const own = i % 4 === 3 ? 0.01 : -0.02;
      const chance = i % 2 === 0 ? 0.005 : -0.006;
      const trade = (netReturn: number) => ({
        entryTime: signal.time,
        entryPrice: 30,
        exitTime: new Date(Date.parse(signal.time) + 7 * 86_400_000).toISOString().slice(0, 10),
        exitPrice: 30 * (1 + netReturn),
        netReturn,
      });
      return {
        signalId: signal.id,
        horizon: 5,
        averageTradedValue: 9e10,
        liquidityBand: "10-100bn",
        outcome: trade(own),
        hit: own < 0,
        chance: { status: "drawn" as const, time: signal.time },
        chanceOutcome: trade(chance),
        chanceHit: chance < 0,
      };
    }),
  );
  await insertSignals(database.db, stockId, "1D", [upthrust("2021-12-30")]);
});
afterAll(async () => {
  await database?.drop();
});

describe("vpa signals", () => {
  it("adds a structured evidence object to each --json line", async () => {
    const { code, stdout, stderr } = await vpa(["signals", "--json", "--limit", "1"]);
    expect(code, stderr).toBe(0);
    const [line] = stdout
      .trim()
      .split("\n")
      .map((text) => JSON.parse(text));
    expect(line).toMatchObject({
      symbol: "SSI",
      time: "2021-12-30",
      evidence: {
        status: "figures",
        horizon: 5,
        group: {
          level: "type-exchange-score",
          type: "UPTHRUST",
          bias: "bear",
          exchange: "HOSE",
          scoreBand: "80-100",
        },
        count: 36,
        hits: 27,
        hitRate: 0.75,
        chanceCount: 36,
        chanceHitRate: 0.5,
        verdict: "edge",
        finalThrough: "2021-04-12",
      },
    });
  });

  it("shows the evidence as the table's last column", async () => {
    const { code, stdout } = await vpa(["signals", "--limit", "2"]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/\bevidence$/);
    expect(lines[1]).toMatch(/HOSE · score 80\+: down after 5 sessions 75% of 36 times \(chance 50%\)$/);
    // The signal of 2021-04-05 had 29 outcomes final by its own bar: too few.
    expect(lines[2]).toMatch(/^2021-04-05 .* not enough history yet \(29 of 30 outcomes\)$/);
  });
});
