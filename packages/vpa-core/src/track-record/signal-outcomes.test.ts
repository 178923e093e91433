import { describe, expect, it } from "vitest";
import type { BarColumns } from "../bar.ts";
import { holdingFeeOf, tradeCostsOf } from "../market/index-futures.ts";
import { netLongReturn, nightsBetween, roundTripCosts, roundTripCostsOf } from "./round-trip-costs.ts";
import { type OutcomeSeries, outcomeRows, type TrackedSignal, trackSignals } from "./signal-outcomes.ts";

/** Six sessions of one stock, thousand VND. The signal is read at bar 1 (2024-01-03). */
const columns: BarColumns = {
  time: ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09"],
  open: Float64Array.of(10, 10, 10.4, 10.8, 11, 10.2),
  high: Float64Array.of(10.5, 10.6, 11, 11.2, 11.1, 10.4),
  low: Float64Array.of(9.5, 9.8, 10.3, 10.6, 10.1, 9.9),
  close: Float64Array.of(10, 10.2, 10.8, 11, 10.2, 10),
  volume: Float64Array.of(1000, 2000, 1500, 1200, 1000, 900),
};
const series: OutcomeSeries = { symbol: "AAA", exchange: "HOSE", columns, eligibleFrom: "2024-01-02" };

function signal(bias: "bull" | "bear"): TrackedSignal {
  return {
    time: "2024-01-03",
    type: bias === "bull" ? "SPRING" : "UPTHRUST",
    bias,
    score: 72,
    confidence: 0.65,
    features: { trend: "flat" },
  };
}

describe("forward returns net of Vietnamese costs", () => {
  it("uses tradeCosts' factors: 1 + brokerage to buy, 1 − brokerage − 0.1% tax to sell", () => {
    expect(roundTripCosts()).toEqual({ brokerageRate: 0.0015, buyFactor: 1.0015, sellFactor: 0.9975 });
    // 11 × 0.9975 / (10 × 1.0015) − 1, by hand: 10.9725 / 10.015 − 1
    expect(netLongReturn(10, 11, roundTripCosts())).toBeCloseTo(0.09560659011482775, 15);
  });

  it("enters at the next bar's open and exits at the close of bar t+h (hand-computed)", () => {
    const costs = roundTripCosts(0.0015);
    const outcomes = trackSignals(series, [signal("bull")], { seed: 1 });
    const rows = outcomeRows(series, outcomes, [1, 2, 3, 4, 5], costs);
    // Entry: open of 2024-01-04 = 10.4, paying 0.15%: 10.4156 per share.
    // Exit at the close of t+h, receiving 99.75%: h=1 10.8 → 10.773; h=2 11 → 10.9725;
    // h=3 10.2 → 10.1745; h=4 10.0 → 9.975.
    expect(rows.map((r) => r.outcome?.exitTime ?? null)).toEqual([
      "2024-01-04",
      "2024-01-05",
      "2024-01-08",
      "2024-01-09",
      null,
    ]);
    expect(
      rows.every(
        (r) => r.outcome === null || (r.outcome.entryTime === "2024-01-04" && r.outcome.entryPrice === 10.4),
      ),
    ).toBe(true);
    const returns = rows.map((r) => r.outcome?.netReturn ?? null);
    const expected = [0.034313913744767444, 0.05346787511041118, -0.023147970352164204, -0.04230193171780794];
    for (const [i, value] of expected.entries()) expect(returns[i]).toBeCloseTo(value, 14);
    // t+5 does not exist yet: not final, in no figure.
    expect(rows[4]).toMatchObject({ horizon: 5, outcome: null, hit: null });
    expect(rows.map((r) => r.hit)).toEqual([true, true, false, false, null]);
  });

  it("takes the brokerage rate as a parameter (0.35% per side)", () => {
    const rows = outcomeRows(
      series,
      trackSignals(series, [signal("bull")], { seed: 1 }),
      [1, 4],
      roundTripCosts(0.0035),
    );
    // 10.8 × (1 − 0.0035 − 0.001) / (10.4 × 1.0035) − 1 and 10.0 × 0.9955 / 10.4364 − 1
    expect(rows[0]!.outcome!.netReturn).toBeCloseTo(0.0301828216626423, 14);
    expect(rows[1]!.outcome!.netReturn).toBeCloseTo(-0.046127016979034985, 14);
  });

  it("reports the long return for a bear signal and counts a fall as its hit", () => {
    const rows = outcomeRows(
      series,
      trackSignals(series, [signal("bear")], { seed: 1 }),
      [1, 3],
      roundTripCosts(),
    );
    expect(rows[0]!.outcome!.netReturn).toBeCloseTo(0.034313913744767444, 14);
    expect(rows.map((r) => r.hit)).toEqual([false, true]);
  });

  it("a price that ends where it started is a loss after costs: no hit for bull, a hit for bear", () => {
    const flat: BarColumns = { ...columns, close: Float64Array.of(10, 10.2, 10.4, 10.4, 10.4, 10.4) };
    const flatSeries = { ...series, columns: flat };
    const bull = outcomeRows(
      flatSeries,
      trackSignals(flatSeries, [signal("bull")], { seed: 1 }),
      [2],
      roundTripCosts(),
    );
    const bear = outcomeRows(
      flatSeries,
      trackSignals(flatSeries, [signal("bear")], { seed: 1 }),
      [2],
      roundTripCosts(),
    );
    expect(bull[0]!.outcome!.netReturn).toBeCloseTo(0.9975 / 1.0015 - 1, 15);
    expect([bull[0]!.hit, bear[0]!.hit]).toEqual([false, true]);
  });

  it("uses only the bars that exist: `length` hides the future", () => {
    const rows = outcomeRows(
      { ...series, length: 4 },
      trackSignals({ ...series, length: 4 }, [signal("bull")], { seed: 1 }),
      [1, 2, 3],
      roundTripCosts(),
    );
    expect(rows.map((r) => r.outcome === null)).toEqual([false, false, true]);
  });

  it("measures liquidity as the mean traded value of the 20 bars to the signal's, in VND", () => {
    const [outcome] = trackSignals(series, [signal("bull")], { seed: 1 });
    // (10 × 1000 + 10.2 × 2000) / 2 thousand VND = 15,200,000 VND
    expect(outcome!.averageTradedValue).toBe(15_200_000);
    expect(outcome!.liquidityBand).toBe("under-1bn");
  });

  it("refuses a signal that is not a bar of the series, and intraday times", () => {
    expect(() => trackSignals(series, [{ ...signal("bull"), time: "2024-01-06" }], { seed: 1 })).toThrow(
      /no bar at the signal's date 2024-01-06/,
    );
    expect(() =>
      trackSignals(series, [{ ...signal("bull"), time: "2024-01-03T09:15:00+07:00" }], { seed: 1 }),
    ).toThrow(/daily bars only/);
  });

  it("takes a chance bar drawn before as it is (a slice cannot always redraw it)", () => {
    const knownChance = new Map([
      ["chance|AAA|2024-01-03|SPRING", { status: "drawn", time: "2024-01-05" } as const],
    ]);
    const [outcome] = trackSignals(series, [signal("bull")], { seed: 1, knownChance });
    expect(outcome!.chance).toEqual({ status: "drawn", bar: 3, time: "2024-01-05" });
    const rows = outcomeRows(series, [outcome!], [1, 2, 3], roundTripCosts());
    // In at the open of 2024-01-08 (11), out at its close (10.2), then 2024-01-09 (10.0).
    expect(rows[0]!.chanceOutcome).toMatchObject({
      entryTime: "2024-01-08",
      entryPrice: 11,
      exitPrice: 10.2,
    });
    expect(rows[1]!.chanceOutcome!.netReturn).toBeCloseTo((10 * 0.9975) / (11 * 1.0015) - 1, 14);
    expect(rows[2]!.chanceOutcome).toBeNull();
    const missing = new Map([
      ["chance|AAA|2024-01-03|SPRING", { status: "drawn", time: "2023-12-29" } as const],
    ]);
    expect(() => trackSignals(series, [signal("bull")], { seed: 1, knownChance: missing })).toThrow(
      /not in the series/,
    );
    // A waiting draw stays as it is until the data reaches its date, then is drawn again.
    const waiting = new Map([
      ["chance|AAA|2024-01-03|SPRING", { status: "waiting", until: "2024-02-01" } as const],
    ]);
    expect(trackSignals(series, [signal("bull")], { seed: 1, knownChance: waiting })[0]!.chance).toEqual({
      status: "waiting",
      until: "2024-02-01",
    });
    const due = trackSignals(series, [signal("bull")], { seed: 1, knownChance: waiting, asOf: "2024-02-01" });
    const fresh = trackSignals(series, [signal("bull")], { seed: 1, asOf: "2024-02-01" });
    expect(due[0]!.chance).toEqual(fresh[0]!.chance);
  });
});

describe("a VN30 future's forward returns, by its own costs", () => {
  it("a stock keeps the stocks' costs; a future pays its fees per contract, not 0.4 % of the value", () => {
    expect(roundTripCostsOf("VCB", 0.0035)).toEqual(roundTripCosts(0.0035));
    const futures = roundTripCostsOf("VN30F1M");
    expect(futures.buyFactor).toBeCloseTo(1.000085, 12); // income tax 0.1 % × 17 % / 2
    expect(futures.sellFactor).toBeCloseTo(0.999915, 12); // no 0.1 % sell tax
    expect(futures.fixedPerSide).toBeCloseTo(0.067, 12); // 6,700 VND a contract = 67 VND a unit
    expect(futures.perNight).toBeCloseTo(0.0255, 12); // 2,550 VND a contract and night
  });

  it("equals one contract's cash flows in VND, the nights held included", () => {
    // One contract (100 units) bought at 1,250 points and sold at 1,260 two nights later.
    const buy = tradeCostsOf("VN30F1M", { side: "buy", priceVnd: 1_250_000, quantity: 100 });
    const sell = tradeCostsOf("VN30F1M", { side: "sell", priceVnd: 1_260_000, quantity: 100 });
    const byCashFlows = (sell.cashFlow - holdingFeeOf("VN30F1M", 100, 2)) / -buy.cashFlow - 1;
    expect(netLongReturn(1_250, 1_260, roundTripCostsOf("VN30F1M"), 2)).toBeCloseTo(byCashFlows, 12);
    // Priced as a stock, the same trade lost ~0.4 % of its 0.8 % move to costs; as a future ~0.03 %.
    expect(netLongReturn(1_250, 1_260, roundTripCostsOf("VN30F1M"), 0)).toBeGreaterThan(0.0077);
    expect(netLongReturn(1_250, 1_260, roundTripCosts(), 0)).toBeLessThan(0.0041);
  });

  it("counts the nights between the entry's open and the exit's close on intraday bars", () => {
    const times = [
      "2024-01-02T14:15:00+07:00",
      "2024-01-02T14:30:00+07:00",
      "2024-01-03T09:00:00+07:00",
      "2024-01-03T09:15:00+07:00",
      "2024-01-04T09:00:00+07:00",
    ];
    expect(nightsBetween(times, 0, 1)).toBe(0);
    expect(nightsBetween(times, 1, 3)).toBe(1);
    expect(nightsBetween(times, 0, 4)).toBe(2);
    expect(nightsBetween(["2024-01-02", "2024-01-03", "2024-01-04"], 0, 2)).toBe(2);
  });

  it("tracks a future's signal with its per-contract costs and the nights it was held", () => {
    const days: BarColumns = {
      time: ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"],
      open: Float64Array.of(1_250, 1_250, 1_262, 1_258),
      high: Float64Array.of(1_252, 1_255, 1_265, 1_262),
      low: Float64Array.of(1_248, 1_249, 1_258, 1_255),
      close: Float64Array.of(1_250, 1_254, 1_260, 1_261),
      volume: Float64Array.of(1000, 2000, 1500, 1200),
    };
    const futures: OutcomeSeries = {
      symbol: "VN30F1M",
      exchange: "HNX",
      columns: days,
      eligibleFrom: "2024-01-02",
    };
    const tracked = trackSignals(futures, [{ ...signal("bull"), time: "2024-01-02" }], { seed: 1 });
    const [oneDay, twoDays] = outcomeRows(futures, tracked, [1, 2], roundTripCostsOf("VN30F1M"));
    // In at 01-03's open (1,250); out at its close (1,254): no night; at 01-04's close (1,260): one.
    expect(oneDay!.outcome).toMatchObject({ entryPrice: 1_250, exitPrice: 1_254 });
    expect(oneDay!.outcome!.netReturn).toBeCloseTo(
      netLongReturn(1_250, 1_254, roundTripCostsOf("VN30F1M"), 0),
      15,
    );
    expect(twoDays!.outcome!.netReturn).toBeCloseTo(
      netLongReturn(1_250, 1_260, roundTripCostsOf("VN30F1M"), 1),
      15,
    );
    expect(twoDays!.outcome!.netReturn).toBeLessThan(
      netLongReturn(1_250, 1_260, roundTripCostsOf("VN30F1M"), 0),
    );
  });
});
