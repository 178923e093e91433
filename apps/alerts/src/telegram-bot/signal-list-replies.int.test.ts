/**
 * /signals against the real PostgreSQL: each signal listed with its evidence from the stored
 * track record under it, in the chat's language, counting only what was final by its own bar.
 */
import { insertSignals, type SignalInput, upsertSignalOutcomes, upsertStocks } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { parseTelegramHtml } from "../../../../test-support/telegram-stand-in.ts";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { Language } from "../i18n/language.ts";
import type { BotCommandContext } from "./bot-command-context.ts";
import { createBotAccess } from "./chat-access.ts";
import { signalsReply } from "./signal-list-replies.ts";

let database: TestDatabase;
let stockId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  stockId = (await upsertStocks(database.db, [{ symbol: "VCB", exchange: "HOSE" }])).get("VCB")!;
});
afterAll(async () => {
  await database?.drop();
});

function context(language: Language): BotCommandContext {
  return {
    access: createBotAccess({}),
    now: () => new Date("2021-12-31T10:00:00Z"),
    language,
    text: catalogueFor(language),
  };
}

function noDemand(time: string, score: number): SignalInput {
  return {
    time,
    type: "NO_DEMAND",
    bias: "bear",
    score,
    confidence: 0.5,
    priority: "MEDIUM",
    variant: null,
    features: { vr: 0.6, sr: 0.7, cl: 0.5, trend: "up" },
    close: 80,
    volume: 500_000,
    priceChange: 0.004,
  };
}

function visible(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`Telegram would refuse: ${parsed.description}\n${html}`);
  return parsed.text;
}

describe("/signals", () => {
  it("lists each signal with its evidence under it; an older one counts only what was final by its bar", async () => {
    // 40 NO_DEMANDs from 2021-02-01, a day apart, each final a week later: 30 fell (−2%), 10 rose.
    const history = await insertSignals(
      database.db,
      stockId,
      "1D",
      Array.from({ length: 40 }, (_, i) =>
        noDemand(new Date(Date.UTC(2021, 1, 1) + i * 86_400_000).toISOString().slice(0, 10), 64),
      ),
    );
    await upsertSignalOutcomes(
      database.db,
      history.map((signal, i) => {
        const own = i % 4 === 3 ? 0.01 : -0.02;
        const chance = i % 2 === 0 ? 0.005 : -0.006;
        const trade = (netReturn: number) => ({
          entryTime: signal.time,
          entryPrice: 80,
          exitTime: new Date(Date.parse(signal.time) + 7 * 86_400_000).toISOString().slice(0, 10),
          exitPrice: 80 * (1 + netReturn),
          netReturn,
        });
        return {
          signalId: signal.id,
          horizon: 5,
          averageTradedValue: 2e11,
          liquidityBand: "100bn-plus",
          outcome: trade(own),
          hit: own < 0,
          chance: { status: "drawn" as const, time: signal.time },
          chanceOutcome: trade(chance),
          chanceHit: chance < 0,
        };
      }),
    );
    await insertSignals(database.db, stockId, "1D", [noDemand("2021-12-30", 66)]);

    const vi = visible(await signalsReply(database.db, "VCB", context("vi"))).split("\n");
    expect(vi[1]).toMatch(/^30\/12\/2021 VCB Không có cầu \/ No demand · điểm \/ score 66/);
    expect(vi[2]).toBe(
      "↳ HOSE · điểm 60–69: giảm sau 5 phiên 75 % trong 40 lần (ngẫu nhiên 50 %) / " +
        "HOSE · score 60–69: down after 5 sessions 75 % of 40 times (chance 50 %)",
    );
    const en = visible(await signalsReply(database.db, "VCB", context("en"))).split("\n");
    expect(en[2]).toBe("↳ HOSE · score 60–69: down after 5 sessions 75% of 40 times (chance 50%)");
    // The newest ten: today's, then the history's last nine (2021-03-12 back to 03-04). On its
    // own day, the NO_DEMAND of 2021-02-01 + i had i − 6 outcomes final (each a week after its
    // signal): 33 on 03-12 (25 fell, 16 of their chance entries fell), 29 on 03-08: too few.
    expect(en[3]).toMatch(/^2021-03-12 VCB No demand/);
    expect(en[4]).toBe("↳ HOSE · score 60–69: down after 5 sessions 76% of 33 times (chance 48%)");
    expect(en[11]).toMatch(/^2021-03-08 VCB No demand/);
    expect(en[12]).toBe("↳ not enough history yet (29 of 30 outcomes)");
  });
});
