/**
 * DATABASE_READ_URL in the bot: /signals reads the read database while the chat's own commands
 * (/lang) write the primary. The two databases hold different signals, so each reply says which
 * pool it came from.
 */
import { SIGNAL_TYPES } from "@vpa/core";
import { insertSignals, upsertStocks } from "@vpa/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test-support/database.ts";
import { catalogueFor } from "../i18n/catalogues.ts";
import type { BotCommandContext } from "./bot-command-context.ts";
import { type BotChat, createBotAccess } from "./chat-access.ts";
import { handleBotCommand } from "./handle-bot-command.ts";
import { parseBotCommand } from "./parse-bot-command.ts";

let primary: TestDatabase;
let replica: TestDatabase;

async function storeSignal(database: TestDatabase, symbol: string): Promise<void> {
  const stockId = (await upsertStocks(database.db, [{ symbol, exchange: "HOSE" }])).get(symbol) as number;
  await insertSignals(database.db, stockId, "1D", [
    {
      time: "2024-03-01",
      type: "SPRING",
      bias: "bull",
      score: 70,
      confidence: 0.6,
      priority: "MEDIUM",
      variant: null,
      features: { vr: 2, sr: 1.2, cl: 0.7, trend: "down" },
      close: 90,
      volume: 1_000_000,
      priceChange: 0.01,
    },
  ]);
}

beforeAll(async () => {
  [primary, replica] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await storeSignal(primary, "VCB");
  await storeSignal(replica, "FPT");
});
afterAll(async () => {
  await Promise.all([primary?.drop(), replica?.drop()]);
});

const chat: BotChat = { chatId: "424242", name: "desk", type: "private" };

function context(readDb?: TestDatabase): BotCommandContext {
  return {
    access: createBotAccess({}),
    now: () => new Date("2024-03-04T10:00:00Z"),
    language: "en",
    text: catalogueFor("en"),
    ...(readDb === undefined ? {} : { readDb: readDb.db }),
  };
}

async function reply(text: string, readDb?: TestDatabase): Promise<string> {
  const parsed = parseBotCommand(text, SIGNAL_TYPES);
  if (!parsed.ok) throw new Error(`not a command: ${text}`);
  const answer = await handleBotCommand(primary.db, chat, parsed.command, context(readDb));
  return "html" in answer ? answer.html : JSON.stringify(answer);
}

describe("the bot with a read database", () => {
  it("answers /signals from the read database, and from the primary without one", async () => {
    const fromReplica = await reply("/signals", replica);
    expect(fromReplica).toContain("FPT");
    expect(fromReplica).not.toContain("VCB");
    const fromPrimary = await reply("/signals");
    expect(fromPrimary).toContain("VCB");
    expect(fromPrimary).not.toContain("FPT");
  });

  it("writes the chat's subscription to the primary", async () => {
    await reply("/subscribe", replica);
    const addresses = async (database: TestDatabase) =>
      (await database.db.selectFrom("subscribers").select("address").execute()).map((r) => r.address);
    expect(await addresses(primary)).toEqual([chat.chatId]);
    expect(await addresses(replica)).toEqual([]);
  });
});
