import { createLogger } from "@vpa/runtime";
import { Api } from "node-telegram-bot-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramStandIn, type TelegramStandIn } from "../../../../test-support/telegram-stand-in.ts";
import { callTelegramPatiently, TelegramCallGaveUpError } from "./patient-telegram-call.ts";

const TOKEN = "737373:PATIENT-call-token-abcdefghijklmnopq";
const logger = createLogger({ level: "silent", secrets: [TOKEN] });
let telegram: TelegramStandIn;
let api: Api;

beforeAll(async () => {
  telegram = await startTelegramStandIn({ token: TOKEN });
  api = new Api(TOKEN, { apiRoot: telegram.apiRoot, maxRetries: 0 });
});
afterAll(async () => {
  await telegram?.close();
});

const deleteWebhook = (signal: AbortSignal) => api.deleteWebhook({ drop_pending_updates: false }, signal);

describe("callTelegramPatiently", () => {
  it("waits out a 429's retry_after, then succeeds", async () => {
    telegram.reset();
    telegram.rateLimitNextCalls("deleteWebhook", 1, 1);
    const abort = new AbortController();
    expect(await callTelegramPatiently(deleteWebhook, { what: "delete", logger, signal: abort.signal })).toBe(
      true,
    );
    const calls = telegram.requests.filter((r) => r.method === "deleteWebhook");
    expect(calls.map((r) => r.status)).toEqual([429, 200]);
    expect((calls[1]?.receivedAt ?? 0) - (calls[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it("gives up at once on a retry_after beyond its longest wait, and on an answer a retry cannot change", async () => {
    telegram.reset();
    telegram.rateLimitNextCalls("deleteWebhook", 1, 3_600);
    const abort = new AbortController();
    const startedAt = Date.now();
    const longWait = callTelegramPatiently(deleteWebhook, { what: "delete", logger, signal: abort.signal });
    await expect(longWait).rejects.toThrow(TelegramCallGaveUpError);
    await expect(longWait).rejects.toThrow("Telegram asked to wait 3600000 ms");
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    const badUrl = callTelegramPatiently((s) => api.setWebhook({ url: "http://plain.example.vn/x" }, s), {
      what: "set the webhook",
      logger,
      signal: abort.signal,
    });
    await expect(badUrl).rejects.toThrow("could not set the webhook: failed after 1 tries");
    expect(telegram.requests.filter((r) => r.method === "setWebhook")).toHaveLength(1);
  });

  it("ends its wait at once when the signal aborts", async () => {
    telegram.reset();
    telegram.rateLimitNextCalls("deleteWebhook", 1, 30);
    const abort = new AbortController();
    const startedAt = Date.now();
    const call = callTelegramPatiently(deleteWebhook, { what: "delete", logger, signal: abort.signal });
    setTimeout(() => abort.abort(), 200);
    await expect(call).rejects.toThrow("the bot is stopping");
    expect(Date.now() - startedAt).toBeLessThan(1_500);
  });
});
