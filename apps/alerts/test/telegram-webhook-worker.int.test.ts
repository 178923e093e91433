import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { freePort } from "../../../test-support/free-port.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";

/**
 * `vpa worker alerts` configured for webhook mode through the environment, as a deployment runs
 * it: the process sets the webhook at start, answers a command Telegram posts, and stops on
 * SIGTERM within SHUTDOWN_TIMEOUT_MS, leaving the webhook set.
 */

const ROOT = resolve(import.meta.dirname, "../../..");
const TOKEN = "515151:WORKER-webhook-token-abcdefghijklmnop";
const SECRET = "worker_webhook_secret_0123456789";
const PUBLIC_URL = "https://bot.vpa-test.vn/tg";

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let database: TestDatabase;
let telegram: TelegramStandIn;
beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN, webhookRetryMs: 100 });
});
afterAll(async () => {
  await telegram?.close();
  await database?.drop();
});

describe("vpa worker alerts with TELEGRAM_WEBHOOK_URL", () => {
  it("sets the webhook at start, answers a posted /help, and stops on SIGTERM in time", async () => {
    const [healthPort, webhookPort] = [await freePort(), await freePort()];
    const queues = testQueueConnection();
    telegram.routeWebhook(`http://127.0.0.1:${webhookPort}`);
    const child: ChildProcess = spawn(
      resolve(ROOT, "node_modules/.bin/node"),
      ["apps/cli/src/main.ts", "worker", "alerts"],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          DATABASE_URL: database.url,
          REDIS_URL: queues.redisUrl,
          QUEUE_PREFIX: queues.prefix,
          HTTP_PORT: String(healthPort),
          LOG_LEVEL: "info",
          SHUTDOWN_TIMEOUT_MS: "5000",
          ALERT_CHARTS: "false",
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: telegram.apiRoot,
          TELEGRAM_WEBHOOK_URL: PUBLIC_URL,
          TELEGRAM_WEBHOOK_SECRET: SECRET,
          TELEGRAM_WEBHOOK_PORT: String(webhookPort),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    let exitCode: number | null = null;
    let stopMs = 0;
    try {
      await waitFor(() => telegram.webhook !== null, 30_000);
      expect(telegram.webhook).toEqual({
        url: PUBLIC_URL,
        secretToken: SECRET,
        allowedUpdates: ["message", "channel_post", "callback_query"],
        maxConnections: 40,
      });
      telegram.pushUpdate({
        message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: 4242, type: "private", first_name: "Minh" },
          from: { id: 4242, is_bot: false, first_name: "Minh" },
          text: "/help",
        },
      });
      await waitFor(() => telegram.sentMessages.some((m) => m.chatId === "4242"), 15_000);
      expect(telegram.sentMessages.find((m) => m.chatId === "4242")?.plainText).toContain("/subscribe");
      // The secret token reaches no log line.
      expect(output).not.toContain(SECRET);
    } finally {
      const killedAt = Date.now();
      child.kill("SIGTERM");
      exitCode = await exited;
      stopMs = Date.now() - killedAt;
      await removeQueuePrefix(queues);
    }
    expect(exitCode).toBe(0);
    expect(stopMs).toBeLessThan(5_000);
    expect(telegram.webhookUrl).toBe(PUBLIC_URL);
    const messages = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { msg: string });
    expect(messages.map((m) => m.msg)).toEqual(
      expect.arrayContaining(["webhook set; Telegram posts the bot's updates", "shutting down"]),
    );
  });
});
