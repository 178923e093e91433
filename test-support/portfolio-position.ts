import {
  createPortfolio,
  type StoredPortfolio,
  type StoredPortfolioPosition,
  savePortfolioAdvance,
} from "@vpa/db";

/**
 * An open paper-portfolio position as the scanner's update stores it (money VND; a VN30 future's
 * quantity in the data's shares, 100 to a contract): `fields` for what a test is about; the rest a
 * bullish selling climax (score 80) dated at the entry, and no exit.
 *
 * @example
 * openPortfolioPosition({ symbol: "VN30F1M", entryTime: "2024-01-03", entryPrice: 1_250_000,
 *   quantity: 300, lastPrice: 1_262_500, fees: 20_100, tax: 31_875 });
 */
export function openPortfolioPosition(
  fields: Pick<
    StoredPortfolioPosition,
    "symbol" | "entryTime" | "entryPrice" | "quantity" | "lastPrice" | "fees" | "tax"
  > &
    Partial<StoredPortfolioPosition>,
): StoredPortfolioPosition {
  return {
    status: "open",
    signalType: "SELLING_CLIMAX",
    signalTime: fields.entryTime,
    signalScore: 80,
    exitTime: null,
    exitPrice: null,
    exitReason: null,
    holdingDays: null,
    grossPnl: null,
    netPnl: null,
    netReturn: null,
    ...fields,
  };
}

/**
 * A paper portfolio started on 2024-01-02 with 1 bn VND (`strategy` adds to it), stepped to its
 * close of 2024-01-04 with `open` as its open positions and nothing else (no performance rows).
 *
 * @example
 * const portfolio = await storePortfolioHolding(db, "futures", { futuresMargin: 0.25 }, [position]);
 */
export async function storePortfolioHolding(
  db: Parameters<typeof createPortfolio>[0],
  name: string,
  strategy: Record<string, unknown>,
  open: readonly StoredPortfolioPosition[],
): Promise<StoredPortfolio> {
  const portfolio = await createPortfolio(db, {
    name,
    config: { strategy: { initialCapital: 1_000_000_000, ...strategy }, benchmark: "VN30" },
    startedOn: "2024-01-02",
    state: {},
  });
  if (portfolio === null) throw new Error(`portfolio ${name} exists already`);
  await savePortfolioAdvance(db, {
    portfolioId: portfolio.id,
    fromSession: null,
    lastSession: "2024-01-04",
    state: {},
    open,
    closed: [],
    performance: [],
  });
  return portfolio;
}
