import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig, secretsOf } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";

function captureLogger(secrets: readonly string[]) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: "info", secrets, destination }), lines };
}

describe("createLogger", () => {
  const token = "987654:ZZtopSecretTokenValue_abcdefghij";
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: token,
    SMTP_URL: "smtp://mailer:mail-p%40ss@127.0.0.1:2525",
    DATABASE_URL: "postgres://app:db-password-1@127.0.0.1/vpa",
  });

  it("never writes the bot token, SMTP password or database password, wherever they hide", () => {
    const { logger, lines } = captureLogger(secretsOf(config));
    logger.info({ config }, "starting");
    logger.error(
      { err: new Error(`request to https://api.telegram.org/bot${token}/sendMessage failed`) },
      "send",
    );
    logger.warn({ url: config.smtpUrl, dsn: config.databaseUrl }, "connecting");
    logger.info(`token in a message: ${token.split(":")[1]}`);
    const output = lines.join("\n");
    expect(lines).toHaveLength(4);
    for (const secret of [token, token.split(":")[1]!, "mail-p@ss", "mail-p%40ss", "db-password-1"]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain("[REDACTED]");
    // The lines are still valid JSON with their other fields intact.
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed[2]).toMatchObject({ level: 40, msg: "connecting" });
  });

  it("scrubs a secret with quotes or backslashes where JSON escaped it, and leaves the rest of the line", () => {
    const secret = 'pa"ss\\wo/rd';
    const { logger, lines } = captureLogger([secret]);
    logger.warn({ detail: `smtp said: auth ${secret} refused`, empty: null }, `login with ${secret}`);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    // As written: the quote and the backslash escaped; neither form may remain.
    expect(line).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(line).not.toContain(secret);
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      msg: "login with [REDACTED]",
      detail: "smtp said: auth [REDACTED] refused",
      empty: null,
    });
  });

  it("without such secrets writes lines untouched, nulls and all", () => {
    const { logger, lines } = captureLogger(["plain-secret"]);
    logger.info({ nothing: null, text: "null and void" }, "null");
    expect(JSON.parse(lines[0]!)).toMatchObject({ nothing: null, text: "null and void", msg: "null" });
  });
});
