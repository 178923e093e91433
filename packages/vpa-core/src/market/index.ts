/**
 * Rules of the Vietnamese stock market (docs/vn-market.md) as data and small pure functions.
 * Prices are in VND here (convert quotes in thousand VND with `thousandVndToVnd`); times are
 * Asia/Ho_Chi_Minh (UTC+7, fixed offset).
 *
 * @example
 * import { market } from "@vpa/core";
 * market.tickSize("HOSE", 49_950);          // 50
 * market.sellableDate("2024-02-07");        // "2024-02-16"
 * market.isMarketOpen("UPCOM", new Date()); // the caller owns the clock
 */
export {
  BOARD_LOT_SIZE,
  HOSE_MAX_ORDER_SHARES,
  maxOrderShares,
  roundDownToBoardLot,
  splitBoardLot,
} from "./board-lot.ts";
export { addCalendarDays, dayOfWeek, expandDateRange, isCalendarDate } from "./calendar-date.ts";
export type { Exchange } from "./exchange.ts";
export { EXCHANGES, parseExchange } from "./exchange.ts";
export type { HolidayCalendar, HolidayCalendarOptions } from "./holiday-calendar.ts";
export { createHolidayCalendar, DEFAULT_HOLIDAY_CALENDAR } from "./holiday-calendar.ts";
export type { QuotedPosition } from "./index-futures.ts";
export {
  holdingFeeOf,
  INDEX_FUTURE_FEES_PER_CONTRACT_VND,
  INDEX_FUTURE_FORCED_CLOSE_USAGE,
  INDEX_FUTURE_INITIAL_MARGIN_RATE,
  INDEX_FUTURE_MIN_DEPOSIT_RATE,
  INDEX_FUTURE_MULTIPLIER_VND,
  INDEX_FUTURE_OPENING_USAGE_LIMIT,
  INDEX_FUTURE_OVERNIGHT_FEE_PER_CONTRACT_VND,
  INDEX_FUTURE_PRICE_BAND_BASIS_POINTS,
  INDEX_FUTURE_SETTLEMENT_TRADING_DAYS,
  INDEX_FUTURE_SHARES_PER_CONTRACT,
  INDEX_FUTURE_TAX_RATE,
  isIndexFuture,
  marginUsageOf,
  priceBandBasisPointsOf,
  quotePosition,
  settlementTradingDaysOf,
  tradeCostsOf,
} from "./index-futures.ts";
export type { MarketClockOptions } from "./market-open.ts";
export { isMarketOpen, tradingPhaseAt } from "./market-open.ts";
export type { PriceBand, PriceBandOptions } from "./price-band.ts";
export { PRICE_BAND_BASIS_POINTS, priceBand } from "./price-band.ts";
export { thousandVndToVnd, vndToThousandVnd } from "./price-unit.ts";
export { addTradingDays, SETTLEMENT_TRADING_DAYS, sellableDate } from "./settlement.ts";
export type { TickRounding, TickSizeOptions } from "./tick-size.ts";
export {
  HNX_UPCOM_TICK,
  HOSE_TICK_STEPS,
  isOnTick,
  PUT_THROUGH_TICK,
  roundToTick,
  tickSize,
} from "./tick-size.ts";
export type { TradeCostInput, TradeCosts, TradeSide } from "./trading-costs.ts";
export { DEFAULT_BROKERAGE_RATE, SELL_TAX_RATE, tradeCosts } from "./trading-costs.ts";
export type {
  TradingPhase,
  TradingSession,
  TradingSessionOptions,
  TradingSessionTable,
  UpcomClose,
} from "./trading-sessions.ts";
export {
  createTradingSessions,
  DEFAULT_TRADING_SESSIONS,
  isTradingMinute,
  minuteOfDay,
  ORDER_MATCHING_PHASES,
  postCloseSessionOf,
  TRADING_PHASES,
} from "./trading-sessions.ts";
export type { VietnamLocalTime } from "./vietnam-time.ts";
export { toVietnamTime, VIETNAM_UTC_OFFSET_MINUTES } from "./vietnam-time.ts";
