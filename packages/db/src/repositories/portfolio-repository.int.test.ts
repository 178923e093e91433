import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { openPortfolioPosition, storePortfolioHolding } from "../../../../test-support/portfolio-position.ts";
import { summarizePortfolio } from "./portfolio-repository.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** An open position entered on 2024-01-03 (money VND; 100 of the data's shares to a contract). */
const openPosition = (
  symbol: string,
  entryPrice: number,
  quantity: number,
  lastPrice: number,
  fees: number,
  tax: number | null,
) => openPortfolioPosition({ symbol, entryTime: "2024-01-03", entryPrice, quantity, lastPrice, fees, tax });

async function summaryOf(name: string, futuresMargin: number | null) {
  // 3 contracts bought at 1,250 points (fees 3 × 6,700, tax 0.0085 % of 375 M), last 1,262.5;
  // 1,000 FPT at 100,000 VND (brokerage 150,000), last 101,000.
  const portfolio = await storePortfolioHolding(database.db, name, { futuresMargin }, [
    openPosition("VN30F1M", 1_250_000, 300, 1_262_500, 20_100, 31_875),
    openPosition("FPT", 100_000, 1_000, 101_000, 150_000, null),
  ]);
  const summary = await summarizePortfolio(database.db, portfolio);
  return new Map(summary.positions.map((p) => [p.symbol, p]));
}

describe("a paper portfolio's open positions as `vpa portfolio show` and /portfolio read them", () => {
  it("gives a future on margin its return on the deposit, as its closed trade will be read", async () => {
    const positions = await summaryOf("margined", 0.25);
    const future = positions.get("VN30F1M")!;
    // A 1 % rise of the index on 375 M VND of contracts, 93.75 M of them deposited: ~+4 %, not +1 %.
    expect(future.deposit).toBe(93_750_000);
    expect(future.marketValue).toBe(378_750_000);
    expect(future.unrealizedPnl).toBe(3_750_000 - 20_100 - 31_875);
    expect(future.unrealizedReturn).toBeCloseTo((3_750_000 - 51_975) / (93_750_000 + 51_975), 12);
    expect(future.unrealizedReturn).toBeGreaterThan(0.039);
    // A stock in the same portfolio is paid in full.
    const stock = positions.get("FPT")!;
    expect(stock.deposit).toBeNull();
    expect(stock.unrealizedReturn).toBeCloseTo((1_000_000 - 150_000) / 100_150_000, 12);
  });

  it("reads a future bought without margin on its whole value", async () => {
    const future = (await summaryOf("paid-in-full", null)).get("VN30F1M")!;
    expect(future.deposit).toBeNull();
    expect(future.unrealizedReturn).toBeCloseTo((3_750_000 - 51_975) / (375_000_000 + 51_975), 12);
  });
});
