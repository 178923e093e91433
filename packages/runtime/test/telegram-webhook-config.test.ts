import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, loadConfig, secretsOf } from "../src/config.ts";

const TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const SECRET = "s3cret_Token-of-the-webhook";

function problemsOf(environment: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig: the Telegram bot's webhook mode", () => {
  it("polls unless a webhook URL is set", () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).telegram.webhook).toBeNull();
  });

  it("takes the public https URL, the secret token and the port the worker listens on", () => {
    const webhook = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_URL: "https://bot.example.vn:8443/telegram/updates",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_PORT: "9500",
    }).telegram.webhook;
    expect(webhook).toEqual({
      url: "https://bot.example.vn:8443/telegram/updates",
      secretToken: SECRET,
      port: 9500,
    });
    expect(Object.isFrozen(webhook)).toBe(true);
    expect(
      loadConfig({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: "https://bot.example.vn/hook",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
      }).telegram.webhook?.port,
    ).toBe(9468);
  });

  it("lists every bad webhook setting in one error, each saying what Telegram accepts", () => {
    expect(
      problemsOf({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: "http://bot.example.vn/hook",
        TELEGRAM_WEBHOOK_SECRET: "has spaces and ü",
        TELEGRAM_WEBHOOK_PORT: "70000",
      }),
    ).toEqual([
      "TELEGRAM_WEBHOOK_URL: must be a URL starting with https://",
      "TELEGRAM_WEBHOOK_SECRET: must be 1-256 characters, each A-Z, a-z, 0-9, _ or - (Telegram's rule for secret_token)",
      "TELEGRAM_WEBHOOK_PORT: must be at most 65535",
    ]);
    expect(
      problemsOf({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: "https://bot.example.vn:9443/hook",
        TELEGRAM_WEBHOOK_SECRET: "x".repeat(257),
      }),
    ).toEqual([
      "TELEGRAM_WEBHOOK_URL: must use a port Telegram sends webhooks to: 443 (the default), 80, 88 or 8443",
      "TELEGRAM_WEBHOOK_SECRET: must be 1-256 characters, each A-Z, a-z, 0-9, _ or - (Telegram's rule for secret_token)",
    ]);
  });

  it("refuses a webhook without a secret token, and one without a bot", () => {
    expect(
      problemsOf({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: "https://bot.example.vn/hook" }),
    ).toEqual([
      "TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL (anyone who learns the URL could otherwise post updates), e.g. openssl rand -hex 32",
    ]);
    expect(
      problemsOf({ TELEGRAM_WEBHOOK_URL: "https://bot.example.vn/hook", TELEGRAM_WEBHOOK_SECRET: SECRET }),
    ).toEqual(["TELEGRAM_WEBHOOK_URL: set without TELEGRAM_BOT_TOKEN (no bot to receive updates for)"]);
  });

  it("reads the secret token from TELEGRAM_WEBHOOK_SECRET_FILE and keeps it out of the logs", () => {
    const dir = mkdtempSync(join(tmpdir(), "vpa-webhook-config-"));
    try {
      const secretFile = join(dir, "secret");
      writeFileSync(secretFile, `${SECRET}\n`);
      const config = loadConfig({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: "https://bot.example.vn/hook",
        TELEGRAM_WEBHOOK_SECRET_FILE: secretFile,
      });
      expect(config.telegram.webhook?.secretToken).toBe(SECRET);
      expect(secretsOf(config)).toContain(SECRET);
      expect(CONFIG_VARIABLES).toContain("TELEGRAM_WEBHOOK_SECRET_FILE");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
