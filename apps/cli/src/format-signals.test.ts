import type { SignalView } from "@vpa/db";
import { describe, expect, it } from "vitest";
import type { EvidenceFigures } from "../../alerts/src/evidence/signal-evidence.ts";
import { formatSignalsTable } from "./format-signals.ts";

const signal: SignalView = {
  id: 1,
  symbol: "HPG",
  name: "Hoa Phat",
  exchange: "HOSE",
  timeframe: "1D",
  time: "2021-07-05",
  type: "SPRING",
  bias: "bull",
  score: 74,
  confidence: 0.5,
  priority: "MEDIUM",
  variant: "spring",
  volumeRatio: 0.8,
  spreadRatio: 1.1,
  closeLocation: 0.7,
  trend: "flat",
  close: 45.6,
  volume: 2_000_000,
  priceChange: 0.012,
  confirmation: null,
  createdAt: new Date("2021-07-05T09:00:00Z"),
};

const evidence: EvidenceFigures = {
  status: "figures",
  horizon: 5,
  group: { level: "type-score", type: "SPRING", bias: "bull", exchange: null, scoreBand: "70-79" },
  count: 1240,
  hits: 719,
  hitRate: 719 / 1240,
  chanceCount: 1240,
  chanceHitRate: 0.51,
  meanNetReturn: 0.004,
  chanceMeanNetReturn: 0.002,
  edgeInterval: { low: -0.001, high: 0.005 },
  verdict: "no-edge",
  finalThrough: "2021-07-05",
};

describe("formatSignalsTable", () => {
  it("adds each signal's evidence as the last column, in the English alerts' words", () => {
    const lines = formatSignalsTable([signal, { ...signal, id: 2, symbol: "VCB" }], "", [
      evidence,
      { status: "not-enough-history", horizon: 5, count: 0, minimumCount: 30 },
    ]).split("\n");
    expect(lines[0]).toMatch(/confirmation\s+evidence$/);
    expect(lines[1]).toMatch(
      / score 70–79: up after 5 sessions 58% of 1,240 times \(chance 51%\) · no edge$/,
    );
    expect(lines[2]).toMatch(/ not enough history yet$/);
  });

  it("has no evidence column when given none (the demo's summary)", () => {
    expect(formatSignalsTable([signal], "  ")).not.toContain("evidence");
  });
});

describe("formatSignalsTable on intraday bars", () => {
  it("shows a minute's signal and its confirmation at Vietnam's date and clock", () => {
    const minute = {
      ...signal,
      timeframe: "1m",
      time: "2024-01-15T14:23:00+07:00",
      confirmation: { outcome: "confirmed", time: "2024-01-15T14:24:00+07:00" },
    } as typeof signal;
    const [, row] = formatSignalsTable([minute]).split("\n");
    expect(row).toMatch(/^2024-01-15 14:23 {2}HPG /);
    expect(row).toContain("confirmed 2024-01-15 14:24");
    expect(row).not.toContain("+07:00");
  });
});
