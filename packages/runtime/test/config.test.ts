import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, secretsOf } from "../src/config.ts";

function problemsOf(environment: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("gives working defaults for a local machine", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: "postgres://postgres@127.0.0.1:5432/vpa",
      redisUrl: "redis://127.0.0.1:6379",
      scan: { timeframe: "1D", lookbackBars: 250 },
      telegram: { botToken: null },
      smtpUrl: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("gives each database its own queues by default, so two databases sharing a Redis never skip each other's work", () => {
    expect(loadConfig({}).queuePrefix).toBe("{vpa-vpa}");
    expect(loadConfig({ DATABASE_URL: "postgres://u@db:5432/vpa_staging" }).queuePrefix).toBe(
      "{vpa-vpa_staging}",
    );
    expect(loadConfig({ DATABASE_URL: "postgres://u@db/x", QUEUE_PREFIX: "prod" }).queuePrefix).toBe("prod");
  });

  it("takes a Redis Cluster's nodes and a hash-tagged prefix, which BullMQ needs there", () => {
    const config = loadConfig({
      REDIS_CLUSTER_NODES: "10.0.0.1:7000,redis://:secret@10.0.0.2:7001",
      QUEUE_PREFIX: "{prod}",
    });
    expect(config.redisClusterNodes).toEqual(["10.0.0.1:7000", "redis://:secret@10.0.0.2:7001"]);
    expect(config.queuePrefix).toBe("{prod}");
    expect(loadConfig({}).redisClusterNodes).toEqual([]);
    // The default prefix is hash-tagged already: a cluster needs nothing else.
    expect(loadConfig({ REDIS_CLUSTER_NODES: "redis-0:6379" }).queuePrefix).toBe("{vpa-vpa}");
    expect(problemsOf({ REDIS_CLUSTER_NODES: "redis-0:6379", QUEUE_PREFIX: "prod" })).toEqual([
      "QUEUE_PREFIX: on a Redis Cluster (REDIS_CLUSTER_NODES) it must be a hash tag in braces, e.g. {prod}, so each queue's keys share a slot",
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: "not a node" })[0]).toMatch(/^REDIS_CLUSTER_NODES:/);
    expect(problemsOf({ QUEUE_PREFIX: "{a}b" })[0]).toMatch(/^QUEUE_PREFIX:/);
  });

  it("lists every bad variable in one error", () => {
    const problems = problemsOf({
      DATABASE_URL: "mysql://x",
      REDIS_URL: "not a url",
      LOG_LEVEL: "loud",
      SCAN_LOOKBACK_BARS: "12",
      ANALYZE_CONCURRENCY: "many",
      TELEGRAM_BOT_TOKEN: "abc",
      SMTP_URL: "http://mail",
    });
    const variables = problems.map((p) => p.split(":")[0]);
    expect(variables.sort()).toEqual(
      [
        "ANALYZE_CONCURRENCY",
        "DATABASE_URL",
        "LOG_LEVEL",
        "REDIS_URL",
        "SCAN_LOOKBACK_BARS",
        "SMTP_URL",
        "TELEGRAM_BOT_TOKEN",
      ].sort(),
    );
    expect(problems.find((p) => p.startsWith("SCAN_LOOKBACK_BARS"))).toContain("at least 41");
  });

  it("does not echo a rejected secret in the error", () => {
    try {
      loadConfig({ TELEGRAM_BOT_TOKEN: "12345:short" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain("short");
    }
  });

  it("reads secrets from *_FILE and reports an unreadable one", () => {
    const dir = mkdtempSync(join(tmpdir(), "vpa-config-"));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
    expect(loadConfig({ TELEGRAM_BOT_TOKEN_FILE: tokenFile }).telegram.botToken).toBe(
      "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    expect(problemsOf({ SMTP_URL_FILE: join(dir, "missing") })).toEqual([
      `SMTP_URL_FILE: cannot read ${join(dir, "missing")} (ENOENT)`,
    ]);
  });

  it("reads the Telegram bot's admin chats and allow-list as chat ids (groups negative); none by default", () => {
    expect(loadConfig({}).telegram).toMatchObject({ adminChatIds: [], allowedChatIds: [] });
    const telegram = loadConfig({
      TELEGRAM_ADMIN_CHAT_IDS: "123456789, -1001234567890",
      TELEGRAM_ALLOWED_CHAT_IDS: "42,42,-77",
    }).telegram;
    expect(telegram.adminChatIds).toEqual(["123456789", "-1001234567890"]);
    expect(telegram.allowedChatIds).toEqual(["42", "-77"]);
    expect(Object.isFrozen(telegram.adminChatIds)).toBe(true);
  });

  it("refuses chat id lists with anything but whole numbers, naming the bad entries", () => {
    const problems = problemsOf({
      TELEGRAM_ADMIN_CHAT_IDS: "12,@channel,1.5",
      TELEGRAM_ALLOWED_CHAT_IDS: "7,,8",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "TELEGRAM_ADMIN_CHAT_IDS",
      "TELEGRAM_ALLOWED_CHAT_IDS",
    ]);
    expect(problems.find((p) => p.startsWith("TELEGRAM_ADMIN_CHAT_IDS"))).toContain('"@channel", "1.5"');
    expect(problemsOf({ TELEGRAM_ADMIN_CHAT_IDS: "0" })[0]).toContain('"0"');
    expect(problemsOf({ TELEGRAM_ADMIN_CHAT_IDS: "99999999999999999999" })[0]).toContain(
      "TELEGRAM_ADMIN_CHAT_IDS",
    );
  });

  it("collects the secret values the logger must scrub", () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      SMTP_URL: "smtp://mailer:s3cr%40t@127.0.0.1:2525",
      DATABASE_URL: "postgres://app:dbpass@127.0.0.1/vpa",
    });
    expect(secretsOf(config)).toEqual(
      expect.arrayContaining(["123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "s3cr@t", "dbpass"]),
    );
  });
});
