import { describe, expect, it } from "vitest";
import { maxOrderShares, roundDownToBoardLot, splitBoardLot } from "./board-lot.ts";
import { addCalendarDays, dayOfWeek, expandDateRange, isCalendarDate } from "./calendar-date.ts";
import { parseExchange } from "./exchange.ts";
import { createHolidayCalendar, DEFAULT_HOLIDAY_CALENDAR } from "./holiday-calendar.ts";
import {
  holdingFeeOf,
  isIndexFuture,
  priceBandBasisPointsOf,
  quotePosition,
  settlementTradingDaysOf,
  tradeCostsOf,
} from "./index-futures.ts";
import { isMarketOpen, tradingPhaseAt } from "./market-open.ts";
import { priceBand } from "./price-band.ts";
import { thousandVndToVnd, vndToThousandVnd } from "./price-unit.ts";
import { addTradingDays, sellableDate } from "./settlement.ts";
import { isOnTick, roundToTick, tickSize } from "./tick-size.ts";
import { tradeCosts } from "./trading-costs.ts";
import {
  createTradingSessions,
  DEFAULT_TRADING_SESSIONS,
  isTradingMinute,
  minuteOfDay,
  postCloseSessionOf,
} from "./trading-sessions.ts";
import { toVietnamTime } from "./vietnam-time.ts";

describe("tick size (vn-market.md §3)", () => {
  it("steps HOSE at 10,000 and 50,000 VND; HNX/UPCOM are 100 (put-through 1)", () => {
    expect([
      tickSize("HOSE", 9_990),
      tickSize("HOSE", 10_000),
      tickSize("HOSE", 49_950),
      tickSize("HOSE", 50_000),
    ]).toEqual([10, 50, 50, 100]);
    expect([
      tickSize("HNX", 5_000),
      tickSize("UPCOM", 80_000),
      tickSize("HNX", 5_000, { putThrough: true }),
    ]).toEqual([100, 100, 1]);
    expect([
      roundToTick("HOSE", 10_735, "down"),
      roundToTick("HOSE", 10_735, "up"),
      roundToTick("HOSE", 10_735),
    ]).toEqual([10_700, 10_750, 10_750]);
    expect([isOnTick("HOSE", 10_750), isOnTick("HOSE", 10_740), isOnTick("HNX", 10_750)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe("price band (§2)", () => {
  it("is ±7% on HOSE, rounded inward to the tick of each limit", () => {
    expect(priceBand("HOSE", 103_400)).toEqual({ reference: 103_400, floor: 96_200, ceiling: 110_600 });
    // 10,000 × 1.07 = 10,700 exactly (integer arithmetic, no 10,699.999…); floor 9,300 (tick 10).
    expect(priceBand("HOSE", 10_000)).toEqual({ reference: 10_000, floor: 9_300, ceiling: 10_700 });
    // Ceiling 50,290 crosses into the 100 VND tick: 50,200. Floor 43,710 → tick 50, rounded up: 43,750.
    expect(priceBand("HOSE", 47_000)).toEqual({ reference: 47_000, floor: 43_750, ceiling: 50_200 });
  });

  it("uses ref ± 1 tick on HOSE when rounding collapses the band onto the reference", () => {
    expect(priceBand("HOSE", 100)).toEqual({ reference: 100, floor: 90, ceiling: 110 });
    expect(priceBand("HOSE", 140)).toEqual({ reference: 140, floor: 130, ceiling: 150 });
  });

  it("is ±10% on HNX and ±15% on UPCOM, ±30% / ±40% on special days", () => {
    expect(priceBand("HNX", 20_000)).toEqual({ reference: 20_000, floor: 18_000, ceiling: 22_000 });
    expect(priceBand("HNX", 20_000, { special: true })).toEqual({
      reference: 20_000,
      floor: 14_000,
      ceiling: 26_000,
    });
    expect(priceBand("UPCOM", 12_000)).toEqual({ reference: 12_000, floor: 10_200, ceiling: 13_800 });
    expect(priceBand("UPCOM", 12_000, { special: true })).toEqual({
      reference: 12_000,
      floor: 7_200,
      ceiling: 16_800,
    });
    // 15% of 12,345 = 14,196.75 → ceiling 14,100; floor 10,493.25 → 10,500.
    expect(priceBand("UPCOM", 12_345)).toEqual({ reference: 12_345, floor: 10_500, ceiling: 14_100 });
  });

  it("rejects a reference that is not a positive integer VND amount", () => {
    expect(() => priceBand("HOSE", 103.4)).toThrow(RangeError);
    expect(() => priceBand("HOSE", 0)).toThrow(RangeError);
  });
});

describe("units, lots and costs (§3, §4)", () => {
  it("converts thousand VND at the edge", () => {
    expect(thousandVndToVnd(103.4)).toBe(103_400);
    expect(vndToThousandVnd(103_400)).toBe(103.4);
  });

  it("rounds to board lots of 100 and knows HOSE's order limit", () => {
    expect(roundDownToBoardLot(1_250)).toBe(1_200);
    expect(splitBoardLot(1_250)).toEqual({ boardLotShares: 1_200, oddLotShares: 50 });
    expect(splitBoardLot(99)).toEqual({ boardLotShares: 0, oddLotShares: 99 });
    expect([maxOrderShares("HOSE"), maxOrderShares("HNX")]).toEqual([500_000, null]);
  });

  it("charges a VN30 future per contract: fees and the income tax on both sides, a fee per night held", () => {
    // One contract at 1,250 points: the data's 1,250 thousand VND × 100 shares = 125,000,000 VND.
    const buy = tradeCostsOf("VN30F1M", { side: "buy", priceVnd: 1_250_000, quantity: 100 });
    expect(buy.value).toBe(125_000_000);
    expect(buy.brokerage).toBe(6_700); // 4,000 broker + 2,700 HNX
    expect(buy.tax).toBeCloseTo(10_625, 6); // 0.1% × (125,000,000 × 17%) / 2
    expect(buy.cashFlow).toBeCloseTo(-125_017_325, 6);
    const sell = tradeCostsOf("VN30F1M", { side: "sell", priceVnd: 1_250_000, quantity: 200 });
    expect([sell.brokerage, sell.tax]).toEqual([13_400, expect.closeTo(21_250, 6)]);
    // A round trip costs ~0.03 % of the contract, where the stock rules would take 0.4 %.
    expect((2 * buy.totalCost) / buy.value).toBeLessThan(0.0003);
    // A stock keeps the stock rules, whatever is asked.
    expect(tradeCostsOf("VCB", { side: "sell", priceVnd: 100_000, quantity: 1_000 })).toEqual(
      tradeCosts({ side: "sell", priceVnd: 100_000, quantity: 1_000 }),
    );
    expect([
      holdingFeeOf("VN30F1M", 200, 3),
      holdingFeeOf("VN30F1M", 200, 0),
      holdingFeeOf("VCB", 1_000, 3),
    ]).toEqual([15_300, 0, 0]);
  });

  it("charges brokerage on both sides (default 0.15%) and the 0.1% tax on sales only", () => {
    expect(tradeCosts({ side: "sell", priceVnd: 100_000, quantity: 1_000 })).toEqual({
      value: 100_000_000,
      brokerage: 150_000,
      tax: 100_000,
      totalCost: 250_000,
      cashFlow: 99_750_000,
    });
    expect(tradeCosts({ side: "buy", priceVnd: 100_000, quantity: 1_000, brokerageRate: 0.001 })).toEqual({
      value: 100_000_000,
      brokerage: 100_000,
      tax: 0,
      totalCost: 100_000,
      cashFlow: -100_100_000,
    });
    expect(() => tradeCosts({ side: "buy", priceVnd: 1, quantity: 1, brokerageRate: -0.1 })).toThrow(
      RangeError,
    );
  });

  it("parses exchange codes", () => {
    expect([
      parseExchange("HSX"),
      parseExchange(" hnx "),
      parseExchange("UPCOM"),
      parseExchange("LSE"),
    ]).toEqual(["HOSE", "HNX", "UPCOM", null]);
  });
});

describe("calendar (§5)", () => {
  it("holds the 2024–2026 holidays exactly as listed (41 dates)", () => {
    const holidays = DEFAULT_HOLIDAY_CALENDAR.holidays;
    // 2024: 1 + 7 + 1 + 3 + 2 = 14; 2025: 1 + 6 + 1 + 3 + 2 = 13; 2026: 2 + 5 + 1 + 2 + 3 + 1 = 14.
    expect(holidays.filter((d) => d.startsWith("2024")).length).toBe(14);
    expect(holidays.filter((d) => d.startsWith("2025")).length).toBe(13);
    expect(holidays.filter((d) => d.startsWith("2026")).length).toBe(14);
    for (const date of [
      "2024-02-08",
      "2024-02-14",
      "2024-04-18",
      "2024-05-01",
      "2024-09-03",
      "2025-01-27",
      "2025-02-01",
    ]) {
      expect(DEFAULT_HOLIDAY_CALENDAR.isHoliday(date)).toBe(true);
    }
    for (const date of [
      "2025-04-07",
      "2025-05-02",
      "2025-09-01",
      "2026-01-02",
      "2026-02-20",
      "2026-09-02",
      "2026-11-24",
    ]) {
      expect(DEFAULT_HOLIDAY_CALENDAR.isHoliday(date)).toBe(true);
    }
    expect(DEFAULT_HOLIDAY_CALENDAR.isHoliday("2024-02-15")).toBe(false);
  });

  it("trades Monday–Friday except holidays", () => {
    expect(DEFAULT_HOLIDAY_CALENDAR.isTradingDay("2024-03-04")).toBe(true); // Monday
    expect(DEFAULT_HOLIDAY_CALENDAR.isTradingDay("2024-03-09")).toBe(false); // Saturday
    expect(DEFAULT_HOLIDAY_CALENDAR.isTradingDay("2024-04-18")).toBe(false); // Hung Kings
  });

  it("lets an operator extend the calendar, and lists every invalid date at once", () => {
    const calendar = createHolidayCalendar({ extraHolidays: ["2027-01-01", "2024-01-01"] });
    expect(calendar.isTradingDay("2027-01-01")).toBe(false);
    expect(calendar.holidays.length).toBe(DEFAULT_HOLIDAY_CALENDAR.holidays.length + 1);
    expect(createHolidayCalendar({ includeBuiltIn: false, extraHolidays: ["2027-01-01"] }).holidays).toEqual([
      "2027-01-01",
    ]);
    expect(() => createHolidayCalendar({ extraHolidays: ["2027-02-30", "01/01/2027"] })).toThrow(
      /"2027-02-30", "01\/01\/2027"/,
    );
  });

  it("does date arithmetic on YYYY-MM-DD strings", () => {
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2025-02-29")).toBe(false);
    expect(addCalendarDays("2024-02-28", 2)).toBe("2024-03-01");
    expect(dayOfWeek("2024-01-01")).toBe(1);
    expect(expandDateRange("2024-04-29", "2024-05-01")).toEqual(["2024-04-29", "2024-04-30", "2024-05-01"]);
  });
});

describe("T+2 settlement (§4)", () => {
  it("skips weekends and holidays", () => {
    expect(sellableDate("2024-03-04")).toBe("2024-03-06"); // Mon → Wed
    expect(sellableDate("2024-03-07")).toBe("2024-03-11"); // Thu → Mon
    expect(sellableDate("2024-02-07")).toBe("2024-02-16"); // Tet 2024: Feb 8–14 closed
    expect(sellableDate("2024-04-26")).toBe("2024-05-03"); // Apr 29 – May 1 closed
    expect(addTradingDays("2025-01-24", 1)).toBe("2025-02-03"); // Tet 2025: Jan 27 – Feb 1
  });

  it("uses an extended calendar and refuses a closed buy date", () => {
    const calendar = createHolidayCalendar({ extraHolidays: ["2027-01-04"] });
    expect(sellableDate("2026-12-31", calendar)).toBe("2027-01-05"); // Fri → (Mon holiday) Tue
    expect(() => sellableDate("2024-03-09")).toThrow(RangeError);
  });
});

describe("sessions and isMarketOpen (§1)", () => {
  const at = (local: string) => new Date(`${local}+07:00`);

  it("converts instants to Vietnam time with a fixed +7 offset", () => {
    expect(toVietnamTime(Date.parse("2024-03-04T02:15:00Z"))).toEqual({
      date: "2024-03-04",
      minuteOfDay: 555,
      dayOfWeek: 1,
    });
    // 20:00 UTC Sunday is 03:00 Monday in Vietnam.
    expect(toVietnamTime(new Date("2024-03-03T20:00:00Z")).date).toBe("2024-03-04");
  });

  it("follows the HOSE phases: ATO, continuous, lunch, ATC, put-through", () => {
    expect(tradingPhaseAt("HOSE", at("2024-03-04T08:59:59"))).toBe("CLOSED");
    expect(tradingPhaseAt("HOSE", at("2024-03-04T09:00:00"))).toBe("ATO");
    expect(tradingPhaseAt("HOSE", at("2024-03-04T09:15:00"))).toBe("CONTINUOUS");
    expect(tradingPhaseAt("HOSE", at("2024-03-04T11:30:00"))).toBe("CLOSED");
    expect(tradingPhaseAt("HOSE", at("2024-03-04T13:00:00"))).toBe("CONTINUOUS");
    expect(tradingPhaseAt("HOSE", at("2024-03-04T14:30:00"))).toBe("ATC");
    expect(tradingPhaseAt("HOSE", at("2024-03-04T14:50:00"))).toBe("PUT_THROUGH");
    expect(isMarketOpen("HOSE", at("2024-03-04T10:00:00"))).toBe(true);
    expect(isMarketOpen("HOSE", at("2024-03-04T12:00:00"))).toBe(false);
    expect(isMarketOpen("HOSE", at("2024-03-04T14:50:00"))).toBe(false);
  });

  it("has HNX's PLO and UPCOM's configurable close", () => {
    expect(tradingPhaseAt("HNX", at("2024-03-04T09:00:00"))).toBe("CONTINUOUS");
    expect(tradingPhaseAt("HNX", at("2024-03-04T14:50:00"))).toBe("PLO");
    expect(isMarketOpen("HNX", at("2024-03-04T14:59:00"))).toBe(true);
    expect(isMarketOpen("UPCOM", at("2024-03-04T14:45:00"))).toBe(true);
    const sessions = createTradingSessions({ upcomClose: "14:30" });
    expect(isMarketOpen("UPCOM", at("2024-03-04T14:45:00"), { sessions })).toBe(false);
    expect(isMarketOpen("UPCOM", at("2024-03-04T15:00:00"))).toBe(false);
  });

  it("matches at the closing price after the ATC only for HNX stocks (PLO), not HOSE, UPCOM or VN30 futures", () => {
    expect(postCloseSessionOf("SHS", "HNX")).toEqual({ phase: "PLO", start: "14:45", end: "15:00" });
    expect(postCloseSessionOf("VCB", "HOSE")).toBeNull();
    expect(postCloseSessionOf("BSR", "UPCOM")).toBeNull();
    expect(postCloseSessionOf("VN30F1M", "HNX")).toBeNull();
  });

  it("is closed on weekends and holidays, and honours an extended calendar", () => {
    expect(isMarketOpen("HOSE", at("2024-03-09T10:00:00"))).toBe(false); // Saturday
    expect(isMarketOpen("HOSE", at("2024-02-12T10:00:00"))).toBe(false); // Tet
    const calendar = createHolidayCalendar({ extraHolidays: ["2024-03-04"] });
    expect(isMarketOpen("HOSE", at("2024-03-04T10:00:00"), { calendar })).toBe(false);
  });
});

describe("VN30 index futures (derivatives: band ±7 %, T+0, their own sessions)", () => {
  it("bands a future at ±7 % of its reference even though it is stored under HNX (±10 % for stocks)", () => {
    expect(isIndexFuture("VN30F1M")).toBe(true);
    expect(isIndexFuture("VN30F2406")).toBe(true);
    expect(isIndexFuture("VNM")).toBe(false);
    expect(priceBandBasisPointsOf("VN30F1M", "HNX")).toBe(700);
    expect(priceBandBasisPointsOf("SHS", "HNX")).toBe(1_000);
    // 1,139.8 points read as thousand VND: 1,139,800 → ±7 % on the 0.1-point (100 VND) grid.
    expect(priceBand("HNX", 1_139_800, { basisPoints: priceBandBasisPointsOf("VN30F1M", "HNX") })).toEqual({
      reference: 1_139_800,
      floor: 1_060_100,
      ceiling: 1_219_500,
    });
    expect(() => priceBand("HNX", 1_000_000, { basisPoints: 0 })).toThrow(RangeError);
  });

  it("quotes a future's position in contracts at index points, a stock's in shares at VND", () => {
    // Stored as the data's shares (100 to a contract) at VND (1,000 to a point).
    expect(quotePosition("VN30F1M", 300, 1_250_300)).toEqual({ future: true, quantity: 3, price: 1_250.3 });
    expect(quotePosition("VCB", 1_000, 66_000)).toEqual({ future: false, quantity: 1_000, price: 66_000 });
  });

  it("settles futures T+0 and stocks on the run's T+2", () => {
    expect(settlementTradingDaysOf("VN30F1M", 2)).toBe(0);
    expect(settlementTradingDaysOf("FPT", 2)).toBe(2);
  });
});

describe("trading minutes: where an intraday bar can hold a fill", () => {
  const hose = DEFAULT_TRADING_SESSIONS.HOSE;
  const at = (clock: string) => isTradingMinute(hose, minuteOfDay(clock));
  it("refuses the lunch break, the time before the open and after the close, and HOSE's put-through window", () => {
    expect([at("08:59"), at("12:00"), at("12:59"), at("14:50"), at("15:00")]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
  it("accepts the sessions and their closing prints (11:30 closes the morning, 14:45 is the ATC)", () => {
    expect([at("09:00"), at("10:30"), at("11:30"), at("13:00"), at("14:30"), at("14:45")]).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    // HNX's post-close session trades at the closing price until 15:00.
    expect(isTradingMinute(DEFAULT_TRADING_SESSIONS.HNX, minuteOfDay("14:55"))).toBe(true);
  });
});
