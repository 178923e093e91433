import { NetworkError, TelegramApiError, TimeoutError } from "node-telegram-bot-api";
import { describe, expect, it } from "vitest";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { secretVariants } from "../redact-secrets.ts";
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
});
