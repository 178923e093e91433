import { readFileSync } from "node:fs";
import { PROVIDER_NAMES, type ProviderName } from "@vpa/market-data/provider-names";
import { z } from "zod";

/**
 * Everything configurable, read from the environment once at start (`loadConfig(process.env)`),
 * validated, and passed down frozen. Nothing below `main` reads `process.env`.
 *
 * Secrets may come from files instead (Docker/Kubernetes secrets): `<NAME>_FILE` holds a path
 * whose content is the value, for TELEGRAM_BOT_TOKEN, SMTP_URL, DATABASE_URL and DATABASE_READ_URL.
 */
export interface Config {
  readonly databaseUrl: string;
  /**
   * A read replica for the read-only paths (the API's reads, `vpa signals`, `vpa study`); writes
   * and reads that must see a write just made stay on `databaseUrl`. null: one pool for everything.
   */
  readonly databaseReadUrl: string | null;
  readonly redisUrl: string;
  /**
   * Start-up nodes (`host:port` or redis URLs) of a Redis Cluster; empty: the one server at
   * `redisUrl`. On a cluster the queue prefix must be hash-tagged (`{vpa}`).
   */
  readonly redisClusterNodes: readonly string[];
  /**
   * Redis key prefix of every queue (BullMQ's `prefix`) and of every other key the project keeps,
   * so several deployments can share a Redis. Hash-tagged by default (`{vpa-<database>}`): on a
   * Redis Cluster all keys of one prefix then share a hash slot, as BullMQ's scripts require.
   */
  readonly queuePrefix: string;
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Port of /health, /ready and /metrics; 0 picks a free one; unset uses the worker's default. */
  readonly httpPort: number | null;
  readonly shutdownTimeoutMs: number;
  /**
   * How long a failing job keeps being retried (exponential backoff capped at a minute) before it
   * fails for good: an outage of Redis or PostgreSQL shorter than this loses no work.
   */
  readonly jobRetryBudgetMs: number;
  readonly dataDir: string;
  readonly scan: {
    readonly timeframe: "1D" | "1W" | "1m" | "5m" | "15m" | "30m" | "1h";
    /** Bars loaded per analysis: 2N warm-up (40) + history for confidence and the trend. */
    readonly lookbackBars: number;
    readonly analyzeConcurrency: number;
    /** Symbols per analyze job: a scan enqueues one job per chunk of this many symbols. */
    readonly analyzeChunkSize: number;
    /** Cron (Asia/Ho_Chi_Minh) of the after-close scan of daily bars; null: off. */
    readonly dailySchedule: string | null;
    /** Cron of the in-session scans of intraday bars; null: off. */
    readonly intradaySchedule: string | null;
    readonly intradayTimeframe: "1m" | "5m" | "15m" | "30m" | "1h";
    /** Intraday bars are dropped a month (partition) at a time past this many days; null: kept. */
    readonly intradayRetentionDays: number | null;
    /** Extra exchange holidays (YYYY-MM-DD), from HOLIDAYS_FILE, added to the built-in calendar. */
    readonly extraHolidays: readonly string[];
  };
  readonly alerts: {
    readonly concurrency: number;
    readonly emailFrom: string;
    /** The same symbol and signal type is not alerted to a subscriber again for bars this close (0: off). */
    readonly cooldownMinutes: number;
    /** At most this many alerts per subscriber and channel per hour; the rest are suppressed (0: no cap). */
    readonly maxPerHour: number;
    /** The language of a subscriber who chose none (`/lang`): `vi` (with English beside it) or `en`. */
    readonly language: "vi" | "en";
    /** Emails a second to the SMTP server, shared by every alerts worker (0: no limit). */
    readonly emailPerSecond: number;
    /** Send a chart (PNG of the last 60 bars) with every instant alert. */
    readonly charts: boolean;
  };
  readonly telegram: {
    readonly botToken: string | null;
    readonly apiRoot: string;
    /** Answer /start, /subscribe ... in the alerts worker. Only one process may poll a bot. */
    readonly botCommands: boolean;
    /** Chats whose members may use the bot's admin commands (/status); a group id admits the whole group. */
    readonly adminChatIds: readonly string[];
    /** Chats that may subscribe through the bot; empty: any private chat or group (channels never unless listed). */
    readonly allowedChatIds: readonly string[];
    /**
     * Webhook mode of the bot commands (TELEGRAM_WEBHOOK_URL): Telegram POSTs updates to `url`,
     * which an Ingress or proxy forwards to `port` of the alerts worker; null: the bot polls.
     */
    readonly webhook: {
      /** The public https URL given to setWebhook; the worker serves its path. */
      readonly url: string;
      /** setWebhook's `secret_token`: Telegram sends it in X-Telegram-Bot-Api-Secret-Token. */
      readonly secretToken: string;
      /** Port the worker receives the updates on (0: a free one). */
      readonly port: number;
    } | null;
  };
  readonly smtpUrl: string | null;
  /** Signs webhook bodies (HMAC-SHA256, header X-VPA-Signature) so receivers can check the sender. */
  readonly webhookSigningSecret: string | null;
  /** The HTTP market-data source of `vpa fetch` and of the live stream's backfill. */
  readonly marketData: {
    readonly provider: ProviderName;
    /** null: not configured (`vpa fetch` says so). */
    readonly baseUrl: string | null;
    readonly timeoutMs: number;
    readonly maxConcurrent: number;
    readonly requestsPerSecond: number;
  };
  readonly backtest: {
    /** Backtest jobs per worker process: CPU-bound, so 1 per process and one process per core. */
    readonly concurrency: number;
  };
  /** The live WebSocket feed `vpa worker stream` consumes; null url: not configured. */
  readonly stream: {
    readonly url: string | null;
    readonly name: string;
    readonly symbols: readonly string[];
    readonly timeframe: "1m" | "5m" | "15m" | "30m" | "1h";
    readonly defaultExchange: "HOSE" | "HNX" | "UPCOM";
  };
  /** The HTTP API and dashboard (`vpa worker api`). */
  readonly api: {
    /** Port of the API, the dashboard and its /health, /ready and /metrics. */
    readonly port: number;
    /** Origins a browser may call the API from (CORS); empty: same origin only. */
    readonly corsOrigins: readonly string[];
    /** Requests a minute per API key, held in Redis (shared by every API replica). */
    readonly rateLimitPerMinute: number;
    /** Largest request body accepted (413 above). */
    readonly bodyLimitBytes: number;
  };
  /** Extra recipients `vpa demo` registers besides the console. */
  readonly demo: { readonly emailTo: string | null; readonly telegramChatId: string | null };
  /** OpenTelemetry traces (runtime tracing.ts): off unless an OTLP endpoint is set. */
  readonly tracing: {
    /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `<endpoint>/v1/traces`. null: off. */
    readonly endpoint: string | null;
    /** OTEL_SERVICE_NAME; null: `vpa-<worker kind or command>`. */
    readonly serviceName: string | null;
  };
}

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
  );

const integer = (min: number, max: number) =>
  z.coerce
    .number({ message: "must be a whole number" })
    .int({ message: "must be a whole number" })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

/**
 * A comma-separated list of Telegram chat ids: whole numbers, negative for groups and channels
 * (`-100…`). Telegram ids fit in 52 bits, so anything beyond a safe integer is a typo.
 */
const chatIdList = z.string().superRefine((value, context) => {
  const bad = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => !/^-?[1-9]\d{0,15}$/.test(entry) || !Number.isSafeInteger(Number(entry)));
  if (bad.length > 0) {
    context.addIssue({
      code: "custom",
      message: `must be comma-separated chat ids (whole numbers, negative for groups); not chat ids: ${bad
        .slice(0, 5)
        .map((entry) => JSON.stringify(entry.slice(0, 40)))
        .join(", ")}`,
    });
  }
});

function chatIdsOf(value: string | undefined): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  return Object.freeze([...new Set(value.split(",").map((entry) => entry.trim()))]);
}

/** The ports Telegram delivers webhooks to ("" is https' 443, which URL leaves out). */
const TELEGRAM_WEBHOOK_PORTS: readonly string[] = ["", "443", "80", "88", "8443"];

const environmentSchema = z.object({
  DATABASE_URL: url(["postgres:", "postgresql:"]).default("postgres://postgres@127.0.0.1:5432/vpa"),
  DATABASE_READ_URL: url(["postgres:", "postgresql:"]).optional(),
  REDIS_URL: url(["redis:", "rediss:"]).default("redis://127.0.0.1:6379"),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(
      /^(rediss?:\/\/[^,\s]+|[A-Za-z0-9_.-]+:\d{1,5})(,(rediss?:\/\/[^,\s]+|[A-Za-z0-9_.-]+:\d{1,5}))*$/,
      {
        message: "must be comma-separated host:port (or redis:// URLs) of cluster nodes",
      },
    )
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^(\{[A-Za-z0-9_-]{1,38}\}|[A-Za-z0-9_-]{1,40})$/, {
      message:
        "must be 1-40 letters, digits, _ or -, optionally in braces ({vpa}) as a Redis Cluster hash tag",
    })
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HTTP_PORT: integer(0, 65_535).optional(),
  SHUTDOWN_TIMEOUT_MS: integer(100, 600_000).default(10_000),
  JOB_RETRY_BUDGET_MINUTES: integer(1, 7 * 24 * 60).default(30),
  VPA_DATA_DIR: z.string().min(1).default(".vpa"),
  SCAN_TIMEFRAME: z.enum(["1D", "1W", "1m", "5m", "15m", "30m", "1h"]).default("1D"),
  SCAN_LOOKBACK_BARS: integer(41, 20_000).default(250),
  SCAN_SCHEDULE_DAILY: z.string().default("10 15 * * 1-5"),
  SCAN_SCHEDULE_INTRADAY: z.string().default(""),
  SCAN_INTRADAY_TIMEFRAME: z.enum(["1m", "5m", "15m", "30m", "1h"]).default("15m"),
  INTRADAY_RETENTION_DAYS: integer(1, 36_500).optional(),
  HOLIDAYS_FILE: z.string().optional(),
  ANALYZE_CONCURRENCY: integer(1, 256).default(16),
  ANALYZE_CHUNK_SIZE: integer(1, 1_000).default(100),
  ALERT_CONCURRENCY: integer(1, 64).default(4),
  EMAIL_FROM: z.string().min(3).default("VPA Alerts <alerts@localhost>"),
  ALERT_COOLDOWN_MINUTES: integer(0, 100_000).default(60),
  ALERT_MAX_PER_HOUR: integer(0, 100_000).default(60),
  ALERT_LANGUAGE: z.enum(["vi", "en"]).default("vi"),
  EMAIL_MAX_PER_SECOND: integer(0, 1_000).default(5),
  ALERT_CHARTS: z.enum(["true", "false"], { message: "must be true or false" }).default("true"),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { message: "does not look like a bot token (<digits>:<secret>)" })
    .optional(),
  TELEGRAM_API_ROOT: url(["https:", "http:"]).default("https://api.telegram.org"),
  TELEGRAM_BOT_COMMANDS: z.enum(["true", "false"], { message: "must be true or false" }).default("true"),
  TELEGRAM_ADMIN_CHAT_IDS: chatIdList.optional(),
  TELEGRAM_ALLOWED_CHAT_IDS: chatIdList.optional(),
  TELEGRAM_WEBHOOK_URL: url(["https:"])
    .refine((value) => TELEGRAM_WEBHOOK_PORTS.includes(new URL(value).port), {
      message: "must use a port Telegram sends webhooks to: 443 (the default), 80, 88 or 8443",
    })
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, {
      message: "must be 1-256 characters, each A-Z, a-z, 0-9, _ or - (Telegram's rule for secret_token)",
    })
    .optional(),
  TELEGRAM_WEBHOOK_PORT: integer(0, 65_535).default(9468),
  SMTP_URL: url(["smtp:", "smtps:"]).optional(),
  WEBHOOK_SIGNING_SECRET: z.string().min(16, { message: "must be at least 16 characters" }).optional(),
  MARKET_DATA_PROVIDER: z.enum(PROVIDER_NAMES).default("udf"),
  MARKET_DATA_URL: url(["https:", "http:"]).optional(),
  MARKET_DATA_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  MARKET_DATA_CONCURRENCY: integer(1, 64).default(4),
  MARKET_DATA_RPS: integer(1, 1_000).default(5),
  BACKTEST_CONCURRENCY: integer(1, 16).default(1),
  STREAM_URL: url(["ws:", "wss:"]).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(["http:", "https:"]).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
  STREAM_NAME: z
    .string()
    .regex(/^[a-z0-9_-]{1,40}$/, { message: "must be 1-40 lower-case letters, digits, _ or -" })
    .default("live"),
  STREAM_SYMBOLS: z
    .string()
    .regex(/^[A-Z0-9]{1,12}(,[A-Z0-9]{1,12})*$/, {
      message: "must be a comma-separated list of symbols, e.g. VN30F1M,VCB",
    })
    .optional(),
  STREAM_TIMEFRAME: z.enum(["1m", "5m", "15m", "30m", "1h"]).default("15m"),
  STREAM_EXCHANGE: z.enum(["HOSE", "HNX", "UPCOM"]).default("HOSE"),
  API_PORT: integer(0, 65_535).default(8080),
  API_CORS_ORIGINS: z
    .string()
    .refine(
      (value) =>
        value
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== "")
          .every((entry) => /^https?:\/\/[^/\s]+$/.test(entry)),
      { message: "must be comma-separated origins like https://dash.example.com (scheme and host, no path)" },
    )
    .default(""),
  API_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(600),
  API_BODY_LIMIT_BYTES: integer(1_024, 10_485_760).default(65_536),
  DEMO_EMAIL_TO: z.email({ message: "must be an email address" }).optional(),
  DEMO_TELEGRAM_CHAT_ID: z
    .string()
    .regex(/^-?\d{1,20}$/, { message: "must be a numeric chat id" })
    .optional(),
});

const SECRET_FILE_VARIABLES = [
  "TELEGRAM_BOT_TOKEN",
  "TELEGRAM_WEBHOOK_SECRET",
  "SMTP_URL",
  "DATABASE_URL",
  "DATABASE_READ_URL",
  "WEBHOOK_SIGNING_SECRET",
] as const;

function resolveSecretFiles(
  environment: NodeJS.ProcessEnv,
  problems: string[],
): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(environment)) resolved[key] = value === "" ? undefined : value;
  for (const name of SECRET_FILE_VARIABLES) {
    const path = environment[`${name}_FILE`];
    if (path === undefined || path === "") continue;
    try {
      resolved[name] = readFileSync(path, "utf8").trim();
    } catch (error) {
      problems.push(
        `${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  return resolved;
}

/**
 * Queues belong to one database: job ids dedupe work ("this bar of this symbol was analysed"), so
 * two databases sharing a Redis under one prefix would skip each other's work. By default the
 * prefix is therefore derived from the database name (`vpa-<database>`).
 */
function defaultQueuePrefix(databaseUrl: string): string {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || "postgres";
  // In braces: a Redis Cluster hashes only the tag, so every key of the prefix shares one slot.
  return `{${`vpa-${database.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, 38)}}`;
}

/** A prefix a Redis Cluster can run BullMQ under: the whole prefix is one `{hash tag}`. */
function isHashTagged(prefix: string): boolean {
  return /^\{[^{}]+\}$/.test(prefix);
}

const CRON_PATTERN = /^(\S+\s+){4}\S+$/;

function cronOrNull(pattern: string): string | null {
  const trimmed = pattern.trim();
  return trimmed === "" || trimmed === "off" ? null : trimmed;
}

/** HOLIDAYS_FILE: one `YYYY-MM-DD` per line (`#` comments allowed) or a JSON array of them. */
function readHolidays(path: string, problems: string[]): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    problems.push(`HOLIDAYS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    return [];
  }
  let entries: string[];
  try {
    entries = text.trim().startsWith("[")
      ? (JSON.parse(text) as unknown[]).map(String)
      : text
          .split("\n")
          .map((line) => line.replace(/#.*/, "").trim())
          .filter((line) => line !== "");
  } catch {
    problems.push(`HOLIDAYS_FILE: ${path} is neither a JSON array nor one date per line`);
    return [];
  }
  const bad = entries.filter(
    (entry) => !/^\d{4}-\d{2}-\d{2}$/.test(entry) || Number.isNaN(Date.parse(entry)),
  );
  if (bad.length > 0) problems.push(`HOLIDAYS_FILE: not YYYY-MM-DD dates: ${bad.slice(0, 5).join(", ")}`);
  return entries;
}

/** Validates the environment; throws one ConfigError listing every bad or missing variable. */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const resolved = resolveSecretFiles(environment, problems);
  const parsed = environmentSchema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join(".")}: ${issue.message}`);
  }
  const holidays =
    parsed.success && parsed.data.HOLIDAYS_FILE !== undefined
      ? readHolidays(parsed.data.HOLIDAYS_FILE, problems)
      : [];
  for (const name of ["SCAN_SCHEDULE_DAILY", "SCAN_SCHEDULE_INTRADAY"] as const) {
    const pattern = parsed.success ? parsed.data[name].trim() : "";
    if (pattern !== "" && pattern !== "off" && !CRON_PATTERN.test(pattern)) {
      problems.push(`${name}: must be a 5-field cron pattern like "10 15 * * 1-5", or empty/off`);
    }
  }
  if (
    parsed.success &&
    parsed.data.REDIS_CLUSTER_NODES !== undefined &&
    parsed.data.QUEUE_PREFIX !== undefined &&
    !isHashTagged(parsed.data.QUEUE_PREFIX)
  ) {
    problems.push(
      `QUEUE_PREFIX: on a Redis Cluster (REDIS_CLUSTER_NODES) it must be a hash tag in braces, e.g. {${parsed.data.QUEUE_PREFIX}}, so each queue's keys share a slot`,
    );
  }
  if (parsed.success && parsed.data.TELEGRAM_WEBHOOK_URL !== undefined) {
    if (parsed.data.TELEGRAM_WEBHOOK_SECRET === undefined)
      problems.push(
        "TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL (anyone who learns the URL could otherwise post updates), e.g. openssl rand -hex 32",
      );
    if (parsed.data.TELEGRAM_BOT_TOKEN === undefined)
      problems.push("TELEGRAM_WEBHOOK_URL: set without TELEGRAM_BOT_TOKEN (no bot to receive updates for)");
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const env = parsed.data;
  return Object.freeze({
    databaseUrl: env.DATABASE_URL,
    databaseReadUrl: env.DATABASE_READ_URL ?? null,
    redisUrl: env.REDIS_URL,
    redisClusterNodes: Object.freeze(env.REDIS_CLUSTER_NODES?.split(",") ?? []),
    queuePrefix: env.QUEUE_PREFIX ?? defaultQueuePrefix(env.DATABASE_URL),
    logLevel: env.LOG_LEVEL,
    httpPort: env.HTTP_PORT ?? null,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    jobRetryBudgetMs: env.JOB_RETRY_BUDGET_MINUTES * 60_000,
    dataDir: env.VPA_DATA_DIR,
    scan: Object.freeze({
      timeframe: env.SCAN_TIMEFRAME,
      lookbackBars: env.SCAN_LOOKBACK_BARS,
      analyzeConcurrency: env.ANALYZE_CONCURRENCY,
      analyzeChunkSize: env.ANALYZE_CHUNK_SIZE,
      dailySchedule: cronOrNull(env.SCAN_SCHEDULE_DAILY),
      intradaySchedule: cronOrNull(env.SCAN_SCHEDULE_INTRADAY),
      intradayTimeframe: env.SCAN_INTRADAY_TIMEFRAME,
      intradayRetentionDays: env.INTRADAY_RETENTION_DAYS ?? null,
      extraHolidays: Object.freeze(holidays),
    }),
    alerts: Object.freeze({
      concurrency: env.ALERT_CONCURRENCY,
      emailFrom: env.EMAIL_FROM,
      cooldownMinutes: env.ALERT_COOLDOWN_MINUTES,
      maxPerHour: env.ALERT_MAX_PER_HOUR,
      language: env.ALERT_LANGUAGE,
      emailPerSecond: env.EMAIL_MAX_PER_SECOND,
      charts: env.ALERT_CHARTS === "true",
    }),
    telegram: Object.freeze({
      botToken: env.TELEGRAM_BOT_TOKEN ?? null,
      apiRoot: env.TELEGRAM_API_ROOT,
      botCommands: env.TELEGRAM_BOT_COMMANDS === "true",
      adminChatIds: chatIdsOf(env.TELEGRAM_ADMIN_CHAT_IDS),
      allowedChatIds: chatIdsOf(env.TELEGRAM_ALLOWED_CHAT_IDS),
      webhook:
        env.TELEGRAM_WEBHOOK_URL === undefined || env.TELEGRAM_WEBHOOK_SECRET === undefined
          ? null
          : Object.freeze({
              url: env.TELEGRAM_WEBHOOK_URL,
              secretToken: env.TELEGRAM_WEBHOOK_SECRET,
              port: env.TELEGRAM_WEBHOOK_PORT,
            }),
    }),
    smtpUrl: env.SMTP_URL ?? null,
    webhookSigningSecret: env.WEBHOOK_SIGNING_SECRET ?? null,
    marketData: Object.freeze({
      provider: env.MARKET_DATA_PROVIDER,
      baseUrl: env.MARKET_DATA_URL ?? null,
      timeoutMs: env.MARKET_DATA_TIMEOUT_MS,
      maxConcurrent: env.MARKET_DATA_CONCURRENCY,
      requestsPerSecond: env.MARKET_DATA_RPS,
    }),
    backtest: Object.freeze({ concurrency: env.BACKTEST_CONCURRENCY }),
    stream: Object.freeze({
      url: env.STREAM_URL ?? null,
      name: env.STREAM_NAME,
      symbols: Object.freeze(env.STREAM_SYMBOLS?.split(",") ?? []),
      timeframe: env.STREAM_TIMEFRAME,
      defaultExchange: env.STREAM_EXCHANGE,
    }),
    api: Object.freeze({
      port: env.API_PORT,
      corsOrigins: Object.freeze(
        env.API_CORS_ORIGINS.split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ""),
      ),
      rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      bodyLimitBytes: env.API_BODY_LIMIT_BYTES,
    }),
    demo: Object.freeze({
      emailTo: env.DEMO_EMAIL_TO ?? null,
      telegramChatId: env.DEMO_TELEGRAM_CHAT_ID ?? null,
    }),
    tracing: Object.freeze({
      endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
      serviceName: env.OTEL_SERVICE_NAME ?? null,
    }),
  });
}

/** The environment variables loadConfig reads (for docs and the compose-file check). */
export const CONFIG_VARIABLES: readonly string[] = [
  ...Object.keys(environmentSchema.shape),
  ...SECRET_FILE_VARIABLES.map((name) => `${name}_FILE`),
];

/**
 * Variables a deployment may set that the code does not read: Node (NODE_OPTIONS), libuv
 * (UV_THREADPOOL_SIZE) and glibc's allocator (MALLOC_ARENA_MAX) do, at process start. The
 * deployments use them to keep the alerts worker's memory down (BENCHMARKS.md, alert delivery).
 */
export const PROCESS_TUNING_VARIABLES: readonly string[] = [
  "NODE_OPTIONS",
  "UV_THREADPOOL_SIZE",
  "MALLOC_ARENA_MAX",
];

/** Secret values in a config, for the log scrubber: token, passwords inside URLs. */
export function secretsOf(config: Config): string[] {
  const secrets: string[] = [];
  if (config.telegram.botToken !== null) {
    secrets.push(config.telegram.botToken);
    const secretPart = config.telegram.botToken.split(":")[1];
    if (secretPart !== undefined) secrets.push(secretPart);
  }
  if (config.webhookSigningSecret !== null) secrets.push(config.webhookSigningSecret);
  if (config.telegram.webhook !== null) secrets.push(config.telegram.webhook.secretToken);
  const clusterUrls = config.redisClusterNodes.filter((node) => node.includes("://"));
  for (const value of [
    config.smtpUrl,
    config.databaseUrl,
    config.databaseReadUrl,
    config.redisUrl,
    ...clusterUrls,
  ]) {
    if (value === null) continue;
    const password = new URL(value).password;
    if (password !== "") secrets.push(password, decodeURIComponent(password));
  }
  return [...new Set(secrets.filter((s) => s.length >= 4))];
}
