import { NetworkError, TelegramApiError, TimeoutError } from "node-telegram-bot-api";
import { describe, expect, it } from "vitest";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryOutcomeUnknownError } from "../delivery-outcome-unknown-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { secretVariants } from "../redact-secrets.ts";
import { HttpRequestError } from "../write-tracking-fetch.ts";
import { toTelegramDeliveryError } from "./telegram-delivery-error.ts";

const TOKEN = "123456:SECRET-token";
const map = (error: unknown) => toTelegramDeliveryError(error, "42", secretVariants([TOKEN]));

describe("toTelegramDeliveryError", () => {
  it("turns 429 retry_after seconds into retryAfterMs", () => {
    const error = map(new TelegramApiError(429, "Too Many Requests: retry after 17", { retry_after: 17 }));
    expect(error).toBeInstanceOf(DeliveryRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 17_000 });
  });

  it.each([
    [403, "Forbidden: bot was blocked by the user"],
    [403, "Forbidden: user is deactivated"],
    [403, "Forbidden: bot was kicked from the group chat"],
    [400, "Bad Request: chat not found"],
    [400, "Bad Request: not enough rights to send text messages to the chat"],
  ])("treats %i %s as an unreachable recipient", (code, description) => {
    expect(map(new TelegramApiError(code, description))).toBeInstanceOf(RecipientUnreachableError);
  });

  it("treats other 400s as permanent failures", () => {
    for (const description of [
      'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 3',
      "Bad Request: message is too long",
    ]) {
      const error = map(new TelegramApiError(400, description));
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error).toMatchObject({ permanent: true, providerStatus: 400 });
    }
  });

  it("treats 5xx, 401, network errors and timeouts as transient", () => {
    for (const cause of [
      new TelegramApiError(502, "Bad Gateway"),
      new TelegramApiError(401, "Unauthorized"),
      new NetworkError("Network request failed: sendMessage", {
        cause: new TypeError(`fetch failed /bot${TOKEN}/`),
      }),
      new TimeoutError("Request timed out: sendMessage"),
    ]) {
      const error = map(cause);
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error).toMatchObject({ permanent: false });
      expect(
        JSON.stringify(error) + String(error.stack) + String((error.cause as Error).stack),
      ).not.toContain(TOKEN);
    }
  });

  it("says which chat, the status and Telegram's description; a 429 without retry_after waits a second", () => {
    const error = map(new TelegramApiError(429, "Too Many Requests"));
    expect(error.message).toBe("Telegram sendMessage to chat 42 failed: 429 Too Many Requests");
    expect(error).toMatchObject({ retryAfterMs: 1_000 });
    expect(map(new TelegramApiError(429, "Too Many Requests", { retry_after: 0 }))).toMatchObject({
      retryAfterMs: 0,
    });
  });

  it("names the supergroup a group became, and keeps the status of an unreachable chat", () => {
    const error = map(
      new TelegramApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", {
        migrate_to_chat_id: -1001234567890,
      }),
    );
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(error.message).toBe(
      "Telegram sendMessage to chat 42 failed: 400 Bad Request: group chat was upgraded to a supergroup chat (migrated to chat -1001234567890)",
    );
    expect(error).toMatchObject({ providerStatus: 400, channel: "telegram" });
    expect(map(new TelegramApiError(403, "Forbidden: bot was blocked by the user")).message).toBe(
      "Telegram sendMessage to chat 42 failed: 403 Forbidden: bot was blocked by the user",
    );
  });

  it("a request that was written and got no answer may have been delivered: outcome unknown", () => {
    const written = new HttpRequestError("socket closed", { code: "ECONNRESET", requestWritten: true });
    const error = map(new NetworkError("Network request failed: sendMessage", { cause: written }));
    expect(error).toBeInstanceOf(DeliveryOutcomeUnknownError);
    expect(error.message).toMatch(/^Telegram sendMessage to chat 42: no answer after the request was sent/);
    // Not written: nothing reached Telegram, a plain transient failure.
    const notWritten = new HttpRequestError("connect refused", {
      code: "ECONNREFUSED",
      requestWritten: false,
    });
    const failed = map(new NetworkError("Network request failed: sendMessage", { cause: notWritten }));
    expect(failed).toBeInstanceOf(DeliveryFailedError);
    expect(failed).toMatchObject({ permanent: false, providerStatus: null });
  });

  it("keeps the HTTP status a server error's message carries, and says so for a time-out", () => {
    const error = map(new NetworkError("Server error 502: Bad Gateway"));
    expect(error).toMatchObject({ permanent: false, providerStatus: 502 });
    expect(error.message).toBe("Telegram sendMessage to chat 42 failed: Server error 502: Bad Gateway");
    expect(map(new TimeoutError("Request timed out: sendMessage")).message).toBe(
      "Telegram sendMessage to chat 42 timed out",
    );
    const other = map(new Error("boom"));
    expect(other).toBeInstanceOf(DeliveryFailedError);
    expect(other.message).toBe("Telegram sendMessage to chat 42 failed: boom");
    expect(other).toMatchObject({ permanent: false });
  });
});
