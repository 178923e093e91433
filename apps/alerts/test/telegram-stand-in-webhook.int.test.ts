import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";

/**
 * The loopback Telegram's webhook side, against a plain receiver: it must hold a bot to what
 * Telegram does (validate setWebhook, post with the secret header, post again until a 2xx), or
 * the bot's webhook tests prove nothing.
 */

const TOKEN = "626262:STANDIN-webhook-token-abcdefghijklmn";

interface Received {
  readonly path: string;
  readonly secret: string | undefined;
  readonly contentType: string | undefined;
  readonly body: { update_id: number; message?: { text?: string } };
}

let telegram: TelegramStandIn;
let receiver: Server;
let origin: string;
const received: Received[] = [];
/** HTTP statuses the receiver answers with, in turn; 200 once they run out. */
const plannedStatuses: number[] = [];

const call = async (method: string, params: Record<string, unknown> = {}) => {
  const response = await fetch(`${telegram.apiRoot}/bot${TOKEN}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return (await response.json()) as {
    ok: boolean;
    result?: unknown;
    description?: string;
    error_code?: number;
  };
};

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

beforeAll(async () => {
  telegram = await startTelegramStandIn({ token: TOKEN, webhookRetryMs: 50 });
  receiver = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        secret: request.headers["x-telegram-bot-api-secret-token"] as string | undefined,
        contentType: request.headers["content-type"],
        body: JSON.parse(text) as Received["body"],
      });
      response.writeHead(plannedStatuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await telegram?.close();
  await new Promise<void>((resolve) => {
    receiver?.closeAllConnections();
    receiver?.close(() => resolve());
  });
});

describe("Telegram stand-in: webhooks", () => {
  it("refuses a webhook Telegram would refuse", async () => {
    expect(await call("setWebhook", { url: "http://bot.example.vn/hook" })).toMatchObject({
      ok: false,
      error_code: 400,
      description: "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    });
    expect((await call("setWebhook", { url: "https://bot.example.vn:9443/hook" })).description).toContain(
      "ports 80, 88, 443 or 8443",
    );
    expect(
      (await call("setWebhook", { url: "https://bot.example.vn/hook", secret_token: "not allowed!" }))
        .description,
    ).toContain("secret token contains unallowed characters");
    expect(telegram.webhook).toBeNull();
  });

  it("posts each update with the secret header, again after a non-2xx, and forgets it after a 2xx", async () => {
    telegram.routeWebhook(origin);
    expect(
      await call("setWebhook", { url: "https://bot.example.vn/tg/hook?x=1", secret_token: "abc_DEF-123" }),
    ).toMatchObject({ ok: true });
    // While a webhook is set, getUpdates is refused, as Telegram does.
    expect(await call("getUpdates")).toMatchObject({ ok: false, error_code: 409 });
    plannedStatuses.push(500, 401);
    const update = telegram.pushUpdate({
      message: { message_id: 1, chat: { id: 7, type: "private" }, text: "/help" },
    });
    // The stand-in records a delivery when the answer is back, after the receiver has seen it.
    await until(() => received.length >= 3 && telegram.webhookDeliveries.length >= 3);
    expect(received.map((r) => [r.path, r.secret, r.contentType, r.body.update_id])).toEqual([
      ["/tg/hook?x=1", "abc_DEF-123", "application/json", update.update_id],
      ["/tg/hook?x=1", "abc_DEF-123", "application/json", update.update_id],
      ["/tg/hook?x=1", "abc_DEF-123", "application/json", update.update_id],
    ]);
    expect(received[0]?.body.message?.text).toBe("/help");
    expect(telegram.webhookDeliveries.map((d) => d.status)).toEqual([500, 401, 200]);
    const info = (await call("getWebhookInfo")).result as Record<string, unknown>;
    expect(info).toMatchObject({
      url: "https://bot.example.vn/tg/hook?x=1",
      pending_update_count: 0,
      last_error_message: "Wrong response from the webhook: 401",
    });
  });

  it("keeps an update it cannot deliver, and hands it to getUpdates once the webhook is deleted", async () => {
    telegram.routeWebhook(null);
    const update = telegram.pushUpdate({
      message: { message_id: 2, chat: { id: 7, type: "private" }, text: "/list" },
    });
    await until(() => telegram.webhookDeliveries.some((d) => d.updateId === update.update_id));
    expect(
      ((await call("getWebhookInfo")).result as { pending_update_count: number }).pending_update_count,
    ).toBe(1);
    expect(await call("deleteWebhook", { drop_pending_updates: false })).toMatchObject({ ok: true });
    const polled = (await call("getUpdates")).result as { update_id: number }[];
    expect(polled.map((u) => u.update_id)).toEqual([update.update_id]);
  });
});
