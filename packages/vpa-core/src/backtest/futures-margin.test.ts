import { describe, expect, it } from "vitest";
import { DEFAULT_HOLIDAY_CALENDAR } from "../market/holiday-calendar.ts";
import {
  INDEX_FUTURE_FEES_PER_CONTRACT_VND,
  INDEX_FUTURE_OVERNIGHT_FEE_PER_CONTRACT_VND,
  INDEX_FUTURE_TAX_RATE,
  marginUsageOf,
} from "../market/index-futures.ts";
import { priceBand } from "../market/price-band.ts";
import { type BacktestConfig, BacktestConfigError, resolveBacktestConfig } from "./backtest-config.ts";
import { oneLotOutlayVnd } from "./futures-margin.ts";
import {
  type ClosedTrade,
  emptyStepCounters,
  initialPortfolioState,
  type PortfolioState,
  type SessionMarket,
  type StepCounters,
  stepPortfolio,
} from "./portfolio-step.ts";

/**
 * VN30 futures on margin (`futuresMargin`), on hand-made daily bars of one symbol: the deposit
 * sizes the position, the whole contracts' move is the profit or loss, the broker's forced close
 * goes first, and the money adds up.
 */

/** Daily bars by date: [open, close] in points (stored as thousand VND). */
type Bars = Record<string, readonly [number, number]>;

function marketOf(symbol: string, exchange: "HNX" | "HOSE", bars: Bars, date: string): SessionMarket {
  const bar = bars[date];
  const dates = Object.keys(bars).sort();
  const previous = bars[dates[dates.indexOf(date) - 1] ?? ""];
  return {
    hasBar: (s) => s === symbol && bar !== undefined,
    open: () => bar![0],
    close: () => bar![1],
    bandReference: () => previous?.[1] ?? Number.NaN,
    canFill: () => true,
    isSessionEnd: () => true,
    postCloseSession: () => false,
    exchange: () => exchange,
    bearSignal: () => false,
    isLastBar: () => false,
  };
}

/** Steps every date of `bars` in turn (a signal on the first), the state stored and read back between closes. */
function trade(symbol: string, exchange: "HNX" | "HOSE", bars: Bars, config: BacktestConfig) {
  let state: PortfolioState = initialPortfolioState(config);
  const trades: ClosedTrade[] = [];
  const counters: StepCounters = emptyStepCounters();
  const after: PortfolioState[] = [];
  const dates = Object.keys(bars).sort();
  for (const [i, date] of dates.entries()) {
    state = JSON.parse(JSON.stringify(state)); // stored and read back between closes
    const candidates = i === 0 ? [{ symbol, type: "SELLING_CLIMAX" as const, time: date, score: 80 }] : [];
    stepPortfolio(
      state,
      date,
      marketOf(symbol, exchange, bars, date),
      candidates,
      config,
      DEFAULT_HOLIDAY_CALENDAR,
      trades,
      counters,
    );
    after.push(state);
  }
  return { state, trades, counters, after };
}

const CAPITAL = 1_000_000_000;
const base = { initialCapital: CAPITAL, positionFraction: 0.1, exitOnBearSignal: false } as const;

describe("VN30 futures on margin (futuresMargin)", () => {
  it("sizes a position by its deposit: 10 % of 1 bn VND buys 3 contracts at 1,250 points on a 25 % deposit, none paid in full", () => {
    const bars: Bars = { "2024-01-02": [1250, 1250], "2024-01-03": [1250, 1275] };
    const unleveraged = trade("VN30F1M", "HNX", bars, resolveBacktestConfig(base));
    // One contract is worth 1,250 × 100,000 = 125 M VND: more than the 100 M a position may take.
    expect(unleveraged.state.positions).toEqual([]);
    // The sizing can never buy one, whatever the cash: counted as such, not as cash run out.
    expect(unleveraged.counters).toMatchObject({ entriesSkippedBelowOneLot: 1, entriesSkippedCash: 0 });

    const { state, after } = trade(
      "VN30F1M",
      "HNX",
      bars,
      resolveBacktestConfig({ ...base, futuresMargin: 0.25 }),
    );
    expect(state.positions).toHaveLength(1);
    const position = state.positions[0]!;
    // 3 contracts (300 of the data's shares) at 1,250,000 VND: 375 M VND of index, 93.75 M deposited.
    expect(position).toMatchObject({ entryPrice: 1_250_000, quantity: 300, margin: 93_750_000 });
    const fees = 3 * INDEX_FUTURE_FEES_PER_CONTRACT_VND;
    const tax = 375_000_000 * INDEX_FUTURE_TAX_RATE;
    expect(position.entryFee).toBe(fees);
    expect(position.entryTax).toBeCloseTo(tax, 6);
    // The deposit and the costs leave the cash; the rest of the contracts' value is never paid.
    expect(state.cash).toBeCloseTo(CAPITAL - 93_750_000 - fees - tax, 4);
    // +2 % on the index is +7.5 M VND on the account (3 contracts × 25 points × 100,000): 4× the move.
    expect(state.invested).toBeCloseTo(93_750_000 + 7_500_000, 4);
    expect(after[1]!.lastEquity - CAPITAL).toBeCloseTo(7_500_000 - fees - tax, 4);
  });

  it("returns the whole contracts' move on the deposit, and the trades add up to the cash", () => {
    const bars: Bars = {
      "2024-01-02": [1250, 1250],
      "2024-01-03": [1250, 1300],
      "2024-01-04": [1305, 1310],
    };
    const config = resolveBacktestConfig({ ...base, futuresMargin: 0.25, takeProfit: 0.03 });
    const { state, trades } = trade("VN30F1M", "HNX", bars, config);
    // Take profit at the close of Jan 3 (+4 %), sold at Jan 4's open, 1,305.
    expect(trades).toHaveLength(1);
    const t = trades[0]!;
    expect(t).toMatchObject({ exitReason: "take_profit", exitTime: "2024-01-04", exitPrice: 1_305_000 });
    expect(t.grossPnl).toBe((1_305_000 - 1_250_000) * 300);
    const fees = 2 * 3 * INDEX_FUTURE_FEES_PER_CONTRACT_VND + 3 * INDEX_FUTURE_OVERNIGHT_FEE_PER_CONTRACT_VND;
    expect(t.fees).toBe(fees);
    expect(t.tax).toBeCloseTo((375_000_000 + 391_500_000) * INDEX_FUTURE_TAX_RATE, 4);
    // +4.4 % on the index is ~+17.5 % on the 93.75 M deposited (leverage 4): the costs are on the deposit too.
    expect(t.netReturn).toBeCloseTo(
      t.netPnl / (93_750_000 + 3 * INDEX_FUTURE_FEES_PER_CONTRACT_VND + 375_000_000 * INDEX_FUTURE_TAX_RATE),
      10,
    );
    expect(t.netReturn).toBeGreaterThan(0.17);
    expect(t.netReturn).toBeLessThan(0.176);
    expect(state.positions).toEqual([]);
    expect(state.cash).toBeCloseTo(CAPITAL + t.netPnl, 4);
    expect(state.lastEquity).toBeCloseTo(CAPITAL + t.netPnl, 4);
  });

  it("closes a position by force at the broker's margin usage, before the stop loss: a 3 % fall at the least deposit", () => {
    // 21.25 % deposited: usage 0.8 at the entry, 0.9 at 1,213.6 points (−2.9 %).
    const bars: Bars = {
      "2024-01-02": [1250, 1250],
      "2024-01-03": [1250, 1230],
      "2024-01-04": [1228, 1210],
      "2024-01-05": [1205, 1190],
    };
    const config = resolveBacktestConfig({ ...base, futuresMargin: 0.2125, stopLoss: 0.07 });
    const { state, trades, after } = trade("VN30F1M", "HNX", bars, config);
    const deposit = 1_250_000 * 300 * 0.2125;
    expect(marginUsageOf(deposit, 1_250_000, 300, 1_230_000)).toBeLessThan(0.9);
    expect(marginUsageOf(deposit, 1_250_000, 300, 1_210_000)).toBeGreaterThanOrEqual(0.9);
    expect(after[1]!.positions[0]!.exitReason).toBeNull();
    expect(after[2]!.positions[0]!.exitReason).toBe("forced_close");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      exitReason: "forced_close",
      exitTime: "2024-01-05",
      exitPrice: 1_205_000,
      holdingDays: 2,
    });
    // −3.6 % on the index is ~−17 % of the deposit.
    expect(trades[0]!.netReturn).toBeLessThan(-0.17);
    expect(state.cash).toBeCloseTo(CAPITAL + trades[0]!.netPnl, 4);

    // The same fall unleveraged (a deposit of the whole value) is held to the 7 % stop.
    const whole = trade(
      "VN30F1M",
      "HNX",
      bars,
      resolveBacktestConfig({ ...base, positionFraction: 0.5, futuresMargin: 1 }),
    );
    expect(whole.trades).toEqual([]);
    expect(whole.state.positions[0]!.exitReason).toBeNull();
  });

  it("loses more than the deposit when limit-down days keep the forced close from filling, and the cash pays it", () => {
    // A limit-down close forces the close; two opens at the floor do not fill it (no sell at the
    // floor); it fills at the third open, 23 % under the entry: past the 21.25 % deposited.
    const floorOf = (points: number) => priceBand("HNX", points * 1000, { basisPoints: 700 }).floor / 1000;
    const f1 = floorOf(1250);
    const f2 = floorOf(f1);
    const f3 = floorOf(f2);
    const bars: Bars = {
      "2024-01-02": [1250, 1250],
      "2024-01-03": [1250, f1],
      "2024-01-04": [f2, f2],
      "2024-01-05": [f3, f3],
      "2024-01-08": [960, 965],
    };
    const config = resolveBacktestConfig({ ...base, futuresMargin: 0.2125, stopLoss: null });
    const { state, trades, counters } = trade("VN30F1M", "HNX", bars, config);
    expect(counters.exitsDelayedFloor).toBe(2);
    expect(trades[0]).toMatchObject({
      exitReason: "forced_close",
      exitTime: "2024-01-08",
      exitPrice: 960_000,
    });
    expect(-trades[0]!.grossPnl).toBeGreaterThan(1_250_000 * 300 * 0.2125);
    expect(trades[0]!.netReturn).toBeLessThan(-1);
    expect(state.cash).toBeCloseTo(CAPITAL + trades[0]!.netPnl, 4);
  });

  it("leaves stocks as they were: paid in full, no margin, same size", () => {
    const bars: Bars = { "2024-01-02": [25, 25], "2024-01-03": [25, 26] };
    const stock = trade("VCB", "HOSE", bars, resolveBacktestConfig({ ...base, futuresMargin: 0.25 }));
    const plain = trade("VCB", "HOSE", bars, resolveBacktestConfig(base));
    expect(stock.state).toEqual(plain.state);
    expect(stock.state.positions[0]!.margin).toBeUndefined();
  });

  it("refuses a deposit under brokers' least (21.25 %) and a forced close at or under the entry's usage", () => {
    expect(() => resolveBacktestConfig({ futuresMargin: 0.2 })).toThrow(BacktestConfigError);
    expect(() => resolveBacktestConfig({ futuresMargin: 0.2 })).toThrow(/futuresMargin: from 0.2125/);
    expect(resolveBacktestConfig({ futuresMargin: 0.2125 }).futuresForcedCloseUsage).toBe(0.9);
    // 17 % ÷ 25 % = 0.68 at the entry.
    expect(() => resolveBacktestConfig({ futuresMargin: 0.25, futuresForcedCloseUsage: 0.68 })).toThrow(
      /futuresForcedCloseUsage: above the usage at the entry \(0\.680/,
    );
    expect(resolveBacktestConfig({ futuresMargin: 0.25, futuresForcedCloseUsage: 0.7 }).futuresMargin).toBe(
      0.25,
    );
    expect(() => resolveBacktestConfig({ futuresForcedCloseUsage: 0 })).toThrow(
      /futuresForcedCloseUsage: in/,
    );
  });
});

describe("oneLotOutlayVnd: what the smallest order of a symbol takes from the cash", () => {
  it("is one contract's whole value paid in full, its deposit and costs on margin, and 100 shares of a stock", () => {
    const paid = resolveBacktestConfig({});
    const margined = resolveBacktestConfig({ futuresMargin: 0.25 });
    // VN30F1M at 1,162.7 points: 116.27 M VND a contract (plus 0.15 % brokerage when paid in full).
    expect(oneLotOutlayVnd("VN30F1M", 1_162_700, paid)).toBeCloseTo(116_270_000 * 1.0015, 0);
    expect(oneLotOutlayVnd("VN30F1M", 1_162_700, margined)).toBeCloseTo(
      116_270_000 * (0.25 + INDEX_FUTURE_TAX_RATE) + INDEX_FUTURE_FEES_PER_CONTRACT_VND,
      0,
    );
    expect(oneLotOutlayVnd("VCB", 90_000, margined)).toBeCloseTo(9_000_000 * 1.0015, 0);
  });
});
