import { market } from "@vpa/core";
import { type Database, listPortfolios, type OpenPortfolioPosition, summarizePortfolio } from "@vpa/db";
import type { Kysely } from "kysely";
import type { Language } from "../i18n/language.ts";
import {
  formatBarTime,
  formatIndexPoints,
  formatMoneyVnd,
  formatReturn,
  formatWholeNumber,
} from "../render/format-alert-values.ts";
import { escapeTelegramHtml } from "../render/telegram-html.ts";
import type { BotCommandContext } from "./bot-command-context.ts";
import { listSome } from "./bot-text.ts";

/** /portfolio lists this many open positions (a portfolio holds 10 by default). */
export const PORTFOLIO_POSITIONS_SHOWN = 20;

/**
 * /portfolio [NAME]: a paper portfolio as `vpa portfolio show` reads it (packages/db:
 * summarizePortfolio): value, cash and total return, the last close against its benchmark index,
 * the open positions, the closed trades; the other portfolios' names. Without a name: the first
 * portfolio by name.
 */
export async function portfolioReply(
  db: Kysely<Database>,
  name: string | null,
  context: BotCommandContext,
): Promise<string> {
  const { text, language } = context;
  const e = escapeTelegramHtml;
  const portfolios = await listPortfolios(db);
  if (portfolios.length === 0) return e(text.portfolio.none);
  const portfolio = name === null ? portfolios[0] : portfolios.find((p) => p.name === name);
  if (portfolio === undefined) {
    return e(
      text.portfolio.unknown({
        name: name ?? "",
        names: listSome(
          portfolios.map((p) => p.name),
          10,
        ),
      }),
    );
  }
  const summary = await summarizePortfolio(db, portfolio);
  const percent = (fraction: number | null) => formatReturn(fraction, language, 2);
  const shown = summary.positions.slice(0, PORTFOLIO_POSITIONS_SHOWN);
  const others = portfolios.filter((p) => p.id !== portfolio.id).map((p) => p.name);
  return [
    `<b>${e(
      text.portfolio.heading({
        name: summary.portfolio,
        startedOn: formatBarTime(summary.startedOn, language),
        lastSession: summary.lastSession === null ? null : formatBarTime(summary.lastSession, language),
      }),
    )}</b>`,
    e(
      text.portfolio.value({
        value: formatMoneyVnd(summary.value, language),
        cash: formatMoneyVnd(summary.cash, language),
        total: percent(summary.totalReturn),
      }),
    ),
    e(
      text.portfolio.day({
        day: percent(summary.dayReturn),
        benchmark: summary.benchmark,
        index: percent(summary.indexDayReturn),
      }),
    ),
    ...(shown.length === 0
      ? [e(text.portfolio.noPositions)]
      : [
          e(text.portfolio.positionsHeading(summary.positions.length)),
          ...shown.map(
            (p) =>
              `• ${e(
                text.portfolio.position({
                  ...positionFigures(p, language),
                  result: percent(p.unrealizedReturn),
                  onDeposit: p.deposit !== null,
                }),
              )}`,
          ),
          ...(summary.positions.length > shown.length ? ["…"] : []),
        ]),
    e(
      text.portfolio.closed({
        count: summary.closedTrades,
        realized: formatMoneyVnd(summary.realizedPnl, language),
      }),
    ),
    ...(others.length === 0 ? [] : [e(text.portfolio.others(listSome(others, 10)))]),
  ].join("\n");
}

/**
 * A position's quantity and prices as its traders quote them (vpa-core's quotePosition): a stock's
 * shares and VND, a VN30 future's contracts and index points.
 */
function positionFigures(p: OpenPortfolioPosition, language: Language) {
  const entry = market.quotePosition(p.symbol, p.quantity, p.entryPrice);
  const last = market.quotePosition(p.symbol, p.quantity, p.lastPrice ?? p.entryPrice);
  const price = entry.future ? formatIndexPoints : formatMoneyVnd;
  return {
    symbol: p.symbol,
    future: entry.future,
    quantity: formatWholeNumber(entry.quantity, language),
    entryPrice: price(entry.price, language),
    lastPrice: price(last.price, language),
  };
}
