/**
 * Every `vpa` command and option, in one place: `parseOptions` parses with it, `vpa help` and
 * `vpa <command> --help` print from it, and tests hold the README's Command line table to it
 * (command-registry.test.ts). A new option is one line here; the command reads it from
 * `parseOptions(name, args)`.
 *
 * This module is loaded by every `vpa` process before anything else, so it is plain data: it
 * imports only two lists of plain data, the alert channel registry (each channel's recipient
 * option, apps/alerts/src/channels/) and the market-data provider names; the other lists of
 * allowed values (`choices`) are copies that a test compares with the constants the commands
 * check against.
 *
 * Glossary: a **command** is what follows `vpa` (`signals`, or `alerts retry`); an **option** is a
 * `--name` with a value (`type: "string"`) or without (`type: "boolean"`); **arguments** are the
 * words that are not options (a file, `up`, `scanner`).
 */

import {
  CHANNEL_REGISTRY,
  recipientOptions as recipientOptionsOf,
  recipientSynopsis,
} from "@vpa/alerts/channel-registry";
import { PROVIDER_NAMES } from "@vpa/market-data/provider-names";
import { STRATEGY_OPTIONS } from "./strategy-options.ts";

/** How `--json` prints. */
export const JSON_FORMATS = ["lines", "document"] as const;
export type JsonFormat = (typeof JSON_FORMATS)[number];

/** One option: node:util parseArgs's config, plus what help and the README say about it. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** May be given more than once (`--sweep a=1,2 --sweep b=3`). */
  readonly multiple?: boolean;
  /** The value's placeholder in help: `N`, `A,B`, `YYYY-MM-DD`. String options only. */
  readonly value?: string;
  /** What it does, with its unit, range and default. */
  readonly description: string;
  /** The values it takes when they are a fixed list (a test compares them with the code's). */
  readonly choices?: readonly string[];
  /** `--json` only: JSON Lines (a record per line) or one JSON document. */
  readonly output?: JsonFormat;
}

export interface CommandSpec {
  /** One line, for `vpa help` and the first line of `--help`. */
  readonly summary: string;
  /** The words after the command that are not options: `<file|dir>...`, `up|status|down`. */
  readonly arguments?: string;
  /** When the first argument is one of a fixed set of words (`vpa services up`): those words. */
  readonly actions?: readonly string[];
  /** The usage line, when the one generated from the options would not say how they combine. */
  readonly synopsis?: string;
  /** Paragraphs of `--help` after the options: behaviour a user needs, exit codes. */
  readonly details?: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
}

/**
 * `--json` printing JSON Lines: one object per line, for commands that print a stream of records
 * (`analyze`, `signals`): a line can be read, filtered (`grep`, `jq -c`) and piped before the
 * command ends, and a long output needs no memory.
 */
function jsonLines(what: string) {
  return {
    type: "boolean",
    output: "lines",
    description: `print JSON Lines (one JSON object per line): ${what}`,
  } as const;
}

/** `--json` printing one JSON document, for everything that is a summary, a report or a short list. */
function jsonDocument(what: string) {
  return {
    type: "boolean",
    output: "document",
    description: `print one JSON document: ${what}`,
  } as const;
}

const TIMEFRAMES = ["1D", "1W", "1m", "5m", "15m", "30m", "1h"] as const;
const DELIVERY_STATUSES = ["queued", "sending", "sent", "retry", "failed", "uncertain", "suppressed"];

/** `--telegram ID`, `--email ADDR`, …: one per alert channel, from the channels' own folders. */
const recipientOptions = recipientOptionsOf(CHANNEL_REGISTRY);

/**
 * The commands in the order `vpa help` and the README list them. Keys are what the user types;
 * `alerts retry` is a command of its own (its own options), routed when `alerts` is followed by
 * `retry`.
 */
export const COMMANDS = {
  demo: {
    summary: "the main job end to end on the bundled data",
    details: [
      "Services, migrations, 25,913 real daily bars of the VN30 names (2018 → 2021) and the VN30 index (the backtests' benchmark, never scanned), a console subscriber, the scanner and alert workers in this process, the bundled history's signals stored without alerts and the track record built from them (each alert's evidence), a scan, and a summary of signals, alerts and the top signals.",
      "Run it again: it stores and sends nothing twice, and says so. SMTP_URL (alerts to DEMO_EMAIL_TO, else EMAIL_FROM's address) and TELEGRAM_BOT_TOKEN + DEMO_TELEGRAM_CHAT_ID add those channels.",
    ],
    options: {
      "lookback-days": {
        type: "string",
        value: "N",
        description:
          "store and alert the signals of the N days before each symbol's newest bar too (0–3650; default 30)",
      },
      "min-score": {
        type: "string",
        value: "N",
        description: "the demo subscribers get the signals scoring N or more (0–100; default 60)",
      },
    },
  },
  services: {
    summary: "find or start local Redis and PostgreSQL; `down` stops only what it started",
    arguments: "up|status|down",
    actions: ["up", "status", "down"],
    details: [
      "up: uses REDIS_URL and DATABASE_URL when they answer, else starts private servers from local binaries under VPA_DATA_DIR (installing them with apt-get when run as root on Debian/Ubuntu), and creates the database if missing.",
      "Exit code 1 when `up` leaves a service unreachable.",
      "The code lives in tools/dev-services (@vpa/dev-services); ./vpa test runs `services up --test-tools`.",
    ],
    options: {
      "test-tools": {
        type: "boolean",
        description:
          "with up: also make sure of the programs the tests run (chromium, promtool, redis-server, redis-cli, pgbouncer), installing missing ones with apt-get when root on Debian/Ubuntu",
      },
      json: jsonDocument("a list with one {name, url, reachable, origin, pid, dataDir, detail} per service"),
    },
  },
  status: {
    summary:
      "services, queue depths and workers, bar freshness per exchange and timeframe, the data source, live streams",
    details: [
      "Also lists what needs attention (failed or stuck deliveries and jobs) with the command that resolves it. Exit code 1 when a service is down.",
    ],
    options: {
      json: jsonDocument("{services, queues, freshness, source, streams, openWork, problems}"),
    },
  },
  migrate: {
    summary: "apply pending migrations (workers also do it at start; safe concurrently)",
    options: {},
  },
  import: {
    summary:
      "load bars from CSV / JSON / JSON Lines / `.gz` files or directories; every rejected row reported with file, line and reason",
    arguments: "<file|dir>...",
    details: [
      "Prices are in thousand VND (23.45 = 23,450 VND) unless --price-unit vnd. Rows are validated one by one (README: Market data); valid rows are stored even when others are refused.",
      "Exit codes: 0 every row stored, 3 valid rows stored but some rejected, 4 nothing imported, 1 a file could not be read.",
    ],
    options: {
      format: {
        type: "string",
        value: "csv|jsonl|json",
        choices: ["csv", "jsonl", "json"],
        description: "the files' layout: csv, jsonl or json (default: from each file's extension)",
      },
      "price-unit": {
        type: "string",
        value: "thousand|vnd",
        choices: ["thousand", "vnd"],
        description:
          "the unit of the files' prices: thousand (thousand VND, the default and the unit stored) or vnd (divided by 1,000 as read)",
      },
      timeframe: {
        type: "string",
        value: "TF",
        choices: TIMEFRAMES,
        description: "the bars' timeframe: 1D, 1W, 1m, 5m, 15m, 30m or 1h (default 1D)",
      },
      symbol: {
        type: "string",
        value: "S",
        description: "the symbol of files without a symbol column (default: from the file name)",
      },
      stocks: {
        type: "string",
        value: "FILE",
        description: "a CSV of stock names and exchanges (ticker,name,exchange,...) to store first",
      },
      report: {
        type: "string",
        value: "FILE",
        description:
          "write every rejected or stored-but-flagged row there, tab-separated: file, line, status, reason, detail",
      },
      json: jsonDocument(
        "the import summary {barsAccepted, barsWritten, symbols, rejectedTotal, rejectedByReason, rejections, flaggedTotal, ..., stocks, seconds}",
      ),
    },
  },
  fetch: {
    summary: "fetch the bars after each symbol's newest stored one from the HTTP provider",
    details: ["A symbol that fails is reported and the others go on; exit code 1 when one failed."],
    options: {
      provider: {
        type: "string",
        value: PROVIDER_NAMES.join("|"),
        choices: PROVIDER_NAMES,
        description: `${PROVIDER_NAMES.join(" or ")} (default MARKET_DATA_PROVIDER)`,
      },
      url: { type: "string", value: "URL", description: "the provider's base URL (default MARKET_DATA_URL)" },
      symbols: {
        type: "string",
        value: "A,B",
        description: "these symbols, added to the stocks if new (default: every active stock)",
      },
      timeframe: {
        type: "string",
        value: "TF",
        choices: TIMEFRAMES,
        description: "1D, 1W, 1m, 5m, 15m, 30m or 1h (default 1D)",
      },
      from: {
        type: "string",
        value: "D",
        description:
          "the first bar wanted for a symbol with none stored, YYYY-MM-DD (default: the provider's look-back)",
      },
      to: { type: "string", value: "D", description: "the last bar wanted, YYYY-MM-DD (default: now)" },
      scan: { type: "boolean", description: "enqueue the analysis of every new bar (needs Redis)" },
      json: jsonDocument("{symbols, barsFetched, barsWritten, updated, failed, provider, scanned}"),
    },
  },
  analyze: {
    summary: "run vpa-core on a bar file offline (no Redis, no database)",
    arguments: "<file>",
    details: [
      "Rows the importer would refuse, rows not newer than the symbol's previous one and 100× price jumps are skipped and counted on stderr. Exit code 1 when the file holds no valid bar.",
    ],
    options: {
      symbol: { type: "string", value: "S", description: "only this symbol" },
      json: jsonLines(
        "each signal and confirmation as it is found, in bar order per symbol: {kind, symbol, time, type, bias, score, confidence, priority, features, ...}",
      ),
    },
  },
  scan: {
    summary: "enqueue a scan of each symbol's newest bar",
    details: [
      "A failed job of an earlier scan is redone; --force redoes completed ones too. With --wait, a scanner or alerts worker that is not running runs in this process. Exit code 1 when a job failed or a symbol has no bars.",
    ],
    options: {
      symbols: {
        type: "string",
        value: "A,B",
        description: "only these symbols (default: every symbol with bars)",
      },
      timeframe: {
        type: "string",
        value: "TF",
        choices: TIMEFRAMES,
        description: "1D, 1W, 1m, 5m, 15m, 30m or 1h (default SCAN_TIMEFRAME, 1D)",
      },
      "lookback-days": {
        type: "string",
        value: "N",
        description:
          "store and alert the signals of the N days before each symbol's newest bar too (0–36500; default 0)",
      },
      force: { type: "boolean", description: "redo the analyses an earlier scan completed" },
      "no-alerts": {
        type: "boolean",
        description:
          "store the signals and alert nobody: a history for the track record (then vpa study --update); a later scan still alerts its own window",
      },
      wait: { type: "boolean", description: "wait until every signal is stored and every alert handled" },
      timeout: {
        type: "string",
        value: "SECONDS",
        description: "with --wait, give up after this many seconds (1–86400; default 600)",
      },
      json: jsonDocument(
        "{enqueued, redone, missing}; with --wait {symbols, newSignals, alertJobs, analyzeFailed, alertFailed, ..., scanSeconds, alertSeconds}",
      ),
    },
  },
  worker: {
    summary:
      "a long-lived worker with `/health`, `/ready`, `/metrics` on `HTTP_PORT` (default 9464 / 9465 / 9466 / 9467); the API on `API_PORT` (default 8080)",
    arguments: "scanner|alerts|backtest|stream|api",
    actions: ["scanner", "alerts", "backtest", "stream", "api"],
    details: [
      "scanner: analyze jobs and the scheduled scans; alerts: alert, digest and delivery jobs, and the Telegram bot; backtest: backtests and sweeps; stream: the live feed of STREAM_URL; api: the HTTP API, its docs (/api/v1/docs) and the web dashboard (/dashboard/), with /health, /ready and /metrics on the same port.",
      "Checks Redis, PostgreSQL and its port, and applies pending migrations, before it takes a job. SIGTERM drains within SHUTDOWN_TIMEOUT_MS. Logs JSON lines to stdout (LOG_LEVEL, default info).",
    ],
    options: {},
  },
  signals: {
    summary: "stored signals with their confirmations, newest first",
    options: {
      symbol: { type: "string", value: "S", description: "only this symbol" },
      since: {
        type: "string",
        value: "D",
        description: "only signals on or after this bar date, YYYY-MM-DD",
      },
      "min-score": { type: "string", value: "N", description: "only signals scoring N or more (0–100)" },
      timeframe: {
        type: "string",
        value: "TF",
        choices: TIMEFRAMES,
        description: "only this timeframe: 1D, 1W, 1m, 5m, 15m, 30m or 1h (default: all)",
      },
      limit: { type: "string", value: "N", description: "at most N signals (1–100000; default 50)" },
      json: jsonLines(
        "the signals, newest first: {symbol, name, exchange, timeframe, time, type, bias, score, confidence, priority, close, ..., confirmation}",
      ),
    },
  },
  alerts: {
    summary:
      "alert deliveries, newest first, with the bar date and Vietnam times: what went out, what failed and why, what was held back",
    details: ["Says when more rows match than shown, and what to run for uncertain deliveries."],
    options: {
      status: {
        type: "string",
        value: "STATUS",
        choices: DELIVERY_STATUSES,
        description: "only this status: queued, sending, sent, retry, failed, uncertain or suppressed",
      },
      since: {
        type: "string",
        value: "D",
        description: "only deliveries claimed since then: YYYY-MM-DD (a Vietnam day) or an ISO instant",
      },
      limit: { type: "string", value: "N", description: "at most N deliveries (1–100000; default 50)" },
      json: jsonDocument(
        "{total, shown, deliveries: [{alertId, symbol, signalType, barTime, priority, channel, address, status, attempts, error, claimedAt, sentAt}]}, times in Vietnam (+07:00)",
      ),
    },
  },
  "alerts retry": {
    summary: "send again what did not go out",
    details: [
      "Failed deliveries and alerts that gave up are owed again and sent by a running alerts worker. Uncertain deliveries may have arrived: they are retried only when named, and may then arrive twice.",
    ],
    options: {
      status: {
        type: "string",
        value: "LIST",
        choices: ["retry", "failed", "uncertain", "suppressed"],
        description: "comma-separated, of failed, retry, uncertain and suppressed (default failed)",
      },
      since: {
        type: "string",
        value: "D",
        description: "only deliveries claimed since then: YYYY-MM-DD (a Vietnam day) or an ISO instant",
      },
      json: jsonDocument("{deliveries, alerts, statuses}: how many of each were requeued"),
    },
  },
  backtest: {
    summary: "a backtest or parameter sweep in the backtest queue",
    synopsis:
      "vpa backtest --symbols VN30|ALL|A,B --from D --to D [--timeframe 1D|1m|5m|15m|30m|1h] [strategy options] [--benchmark INDEX] [--sweep key=v1,v2 ... [--walk-forward train=3y,test=1y [--optimize sharpe|cagr|calmar]]] [--wait [--timeout SECONDS]] [--json] [--report FILE] | --show ID | --cancel ID",
    details: [
      "Percentages are in percent: 7 and 7% both mean 7 %. Stop loss, take profit, trailing stop and position size refuse values under 1, which look like old-style fractions (0.07 would be 0.07 %).",
      "A run's id is derived from its configuration: submitting it again follows the first run, and runs again one that failed or was cancelled. Without --wait it prints the run id and returns; --show ID prints the result later.",
      "Sweepable keys: min-score, min-confidence, stop-loss, take-profit, trailing-stop, max-hold, position-size, max-positions, slippage, exit-min-score, futures-margin.",
      "VN30 futures pay a contract's whole value unless --futures-margin P puts them on margin: a position deposits P % of its value (21.25–100: VSDC's 17 % initial margin at brokers' 80 % opening limit, leverage up to 4.7×; --position-size is the deposit), gains or loses the whole contracts' move, and is closed by force at the next bar's open when its margin usage (17 % of its value ÷ deposit plus profit or loss) reaches --forced-close (default 90).",
      "--timeframe 1m…1h trades intraday bars, one step per bar: orders fill at the next bar's open within the session (never in the lunch break or after the close; a decision on the session's last print fills at the next session's open), the band is the session's (from the previous session's close), T+2 and --max-hold count trading days (sessions), VN30 futures are banded ±7 % and settle T+0, and the daily index is not compared. --flat-at-close sells every position settlement lets go in each session's closing auction (intraday only).",
    ],
    options: {
      symbols: {
        type: "string",
        value: "VN30|ALL|A,B",
        description: "the universe: the VN30 names, every active stock, or a list (default VN30)",
      },
      from: { type: "string", value: "D", description: "the first session, YYYY-MM-DD (required)" },
      to: { type: "string", value: "D", description: "the last session, YYYY-MM-DD (required)" },
      timeframe: {
        type: "string",
        value: "TF",
        choices: ["1D", "1m", "5m", "15m", "30m", "1h"],
        description: "the bars to trade: daily (default) or intraday",
      },
      ...STRATEGY_OPTIONS,
      "flat-at-close": {
        type: "boolean",
        description:
          "day trading: sell in each session's closing auction, carry nothing overnight (intraday bars)",
      },
      sweep: {
        type: "string",
        multiple: true,
        value: "key=v1,v2",
        description: "run every combination of these values (repeatable; keys below)",
      },
      benchmark: {
        type: "string",
        value: "INDEX",
        description:
          "compare with this stored index (default VN30), when it covers the period, besides buy-and-hold",
      },
      "walk-forward": {
        type: "string",
        value: "train=3y,test=1y",
        description:
          "choose the best --sweep parameters on each training window and trade them on the next test window (lengths in years y or months m)",
      },
      optimize: {
        type: "string",
        value: "sharpe|cagr|calmar",
        choices: ["sharpe", "cagr", "calmar"],
        description: "what a walk-forward chooses by: sharpe (default), cagr or calmar",
      },
      "rank-by": {
        type: "string",
        value: "METRIC",
        choices: ["sharpe", "cagr", "totalReturn", "calmar", "sortino", "profitFactor"],
        description:
          "a sweep's ranking: sharpe (default), cagr, totalReturn, calmar, sortino or profitFactor",
      },
      "run-id": {
        type: "string",
        value: "ID",
        description: "name the run (default: derived from its configuration)",
      },
      wait: {
        type: "boolean",
        description:
          "show progress and the summary, or the failure in one line; runs the backtest in this process when no backtest worker runs",
      },
      timeout: {
        type: "string",
        value: "SECONDS",
        description: "with --wait, stop waiting after this many seconds (1–86400; default 3600)",
      },
      json: jsonDocument(
        "the submitted run; with --wait or --show, the run's report (metrics, trades, equity)",
      ),
      report: {
        type: "string",
        value: "FILE",
        description: "write a self-contained HTML report (a sweep: its best run)",
      },
      show: {
        type: "string",
        value: "ID",
        description: "print a stored run's summary (with --report, --json)",
      },
      cancel: {
        type: "string",
        value: "ID",
        description: "cancel a queued or running run (a sweep: all its runs)",
      },
    },
  },
  portfolio: {
    summary: "paper portfolios: the backtest's rules traded forward, one step per daily close",
    arguments: "create|show|history NAME",
    actions: ["create", "show", "history"],
    synopsis:
      "vpa portfolio create NAME [--symbols VN30|ALL|A,B] [strategy options as in vpa backtest] [--benchmark INDEX] [--start D] | show NAME [--json] | history NAME [--json]",
    details: [
      "A paper portfolio trades the backtest's rules (next-open fills, board lots, ticks, T+2, costs, sizing, exits) with the backtest's own code: after each daily scan it places the orders of the close for the next open and marks its positions to the close (README: Paper portfolios).",
      "show: value, cash, open positions with their P/L, and the last session's return against the index. history: the value at each close against the index.",
    ],
    options: {
      symbols: {
        type: "string",
        value: "VN30|ALL|A,B",
        description: "create: the universe: the VN30 names, every active stock, or a list (default VN30)",
      },
      start: {
        type: "string",
        value: "D",
        description: "create: the first session it trades, YYYY-MM-DD (default today, Vietnam time)",
      },
      ...STRATEGY_OPTIONS,
      benchmark: {
        type: "string",
        value: "INDEX",
        description: "the stored index it is compared with (default VN30)",
      },
      json: jsonDocument("show: {portfolio, positions, ...}; history: {portfolio, history}"),
    },
  },
  apikey: {
    summary: "the HTTP API's keys: create one (its secret shown once), list them, revoke one",
    arguments: "create|list|revoke [ID]",
    actions: ["create", "list", "revoke"],
    synopsis: "vpa apikey create --name N [--role reader|trader|admin] [--json] | list [--json] | revoke ID",
    details: [
      "reader: every read endpoint; trader: also its own subscriptions and submitting backtests; admin: everything, /status, /scan and /deliveries included (docs/api.md).",
      "A key is stored only as its SHA-256: copy it when it is created. A revoked key is refused within 5 s by every API replica.",
    ],
    options: {
      name: { type: "string", value: "N", description: "create: what the key is for (1-100 characters)" },
      role: {
        type: "string",
        value: "R",
        choices: ["reader", "trader", "admin"],
        description: "create: reader, trader or admin (default reader)",
      },
      json: jsonDocument("create: {id, name, role, key}; list: the keys, without secrets"),
    },
  },
  study: {
    summary: "how each signal has done, net of costs, against chance (the signal track record)",
    synopsis:
      "vpa study [--symbols A,B|VN30|ALL] [--from D] [--to D] [--horizon N] [--brokerage RATE] [--seed N] [--json] [--report FILE] | --update [--json]",
    details: [
      "Every signal is traded in at the next session's open and out at the close 1, 5, 10 and 20 sessions later, net of brokerage and the 0.1 % sell tax, against a random session of the same stock and year traded the same way (README: Signal track record).",
      "--update brings the stored track record up to the newest bar (run it after each daily scan).",
    ],
    options: {
      symbols: {
        type: "string",
        value: "A,B|VN30|ALL",
        description: "a list, the VN30 names, or every stock with daily bars (default ALL)",
      },
      from: {
        type: "string",
        value: "D",
        description: "signals from this date, YYYY-MM-DD (default: the first bar)",
      },
      to: {
        type: "string",
        value: "D",
        description: "signals up to this date, YYYY-MM-DD (default: the newest bar)",
      },
      horizon: {
        type: "string",
        value: "N",
        description: "the horizon of the verdicts, in sessions (1–60; default 5)",
      },
      brokerage: {
        type: "string",
        value: "RATE",
        description: "brokerage per side: 0.15% or 0.0015 (0–5 %; default 0.15%)",
      },
      seed: {
        type: "string",
        value: "N",
        description:
          "the seed of the chance entries (0–4294967295; default 12): the same seed, the same figures",
      },
      json: jsonDocument(
        "every group {dimension, key, horizon, signals, chance, edge, verdict, ...}; with --update, the update's summary",
      ),
      report: { type: "string", value: "FILE", description: "write a self-contained HTML report" },
      update: { type: "boolean", description: "bring the stored track record up to the newest bar" },
    },
  },
  subscribe: {
    summary: "add a subscriber (idempotent)",
    synopsis: `vpa subscribe ${recipientSynopsis()} [--symbols A,B] [--types T,...] [--min-score N] [--quiet HH:MM-HH:MM|off] [--digest on|off|top N] [--lang vi|en] [--live] [--name TEXT]`,
    details: [
      "Quiet hours (Vietnam time) hold alerts until they end. --digest on (the default) gathers a scan's non-HIGH alerts into one digest of the top N (1–50, default 10); off sends each at once.",
      "--live also sends provisional alerts while an intraday bar forms on the live stream, labelled as such, then whether each held at the close (vpa-signals.md §10); the Telegram bot's /live off turns them off.",
      "Warns when TELEGRAM_BOT_TOKEN or SMTP_URL is not set (the subscriber is stored anyway).",
    ],
    options: {
      ...recipientOptions,
      symbols: { type: "string", value: "A,B", description: "only these symbols (default: all)" },
      types: { type: "string", value: "T,...", description: "only these signal types (default: all)" },
      "min-score": {
        type: "string",
        value: "N",
        description: "only signals scoring N or more (0–100; default 0)",
      },
      quiet: {
        type: "string",
        value: "HH:MM-HH:MM|off",
        description: "hold alerts inside this window, Vietnam time (22:00-07:00), or off",
      },
      digest: {
        type: "string",
        value: "on|off|top N",
        description: "on: one digest per scan; off: every alert at once; top N: a digest lists N (1–50)",
      },
      lang: {
        type: "string",
        value: "vi|en",
        choices: ["vi", "en"],
        description: "vi: Vietnamese with English beside it; en: English only (default ALERT_LANGUAGE)",
      },
      live: {
        type: "boolean",
        description: "also provisional alerts of forming intraday bars, labelled; they may not hold",
      },
      name: { type: "string", value: "TEXT", description: "a label shown in vpa subscribers" },
    },
  },
  unsubscribe: {
    summary: "deactivate a subscriber",
    synopsis: `vpa unsubscribe ${recipientSynopsis()}`,
    details: ["Exit code 1 when there was no such active subscriber."],
    options: recipientOptions,
  },
  subscribers: {
    summary:
      "every subscriber: channel, address, filters, quiet hours, active or why not, delivery, language, pause",
    options: {
      json: jsonDocument(
        "a list of {id, channel, address, name, isActive, deactivatedReason, quietHours, subscriptions, deliveryMode, digestTop, language, pausedUntil}",
      ),
    },
  },
  backup: {
    summary: "dump the database with pg_dump (custom format)",
    options: {
      file: {
        type: "string",
        value: "PATH",
        description: "where to write the dump (default VPA_DATA_DIR/backups/vpa-<time>.dump)",
      },
      dir: {
        type: "string",
        value: "DIR",
        description: "write vpa-<time>.dump into this directory instead (default VPA_DATA_DIR/backups)",
      },
      keep: {
        type: "string",
        value: "N",
        description: "then delete all but the newest N vpa-*.dump files of that directory (retention)",
      },
    },
  },
  restore: {
    summary: "restore a dump into `DATABASE_URL`, replacing the tables it holds, in one transaction",
    arguments: "<file>",
    options: {},
  },
  maintain: {
    summary:
      "create `market_data` partitions ahead and drop intraday months past `INTRADAY_RETENTION_DAYS` (the scanner does it too)",
    details: [
      "Creates this and next year's daily partition and this and next month's intraday one; with a retention, drops each intraday month (a whole partition) that ended more than N days ago. Daily bars are always kept.",
      "Runs in one transaction: a lock not granted within --timeout (a long query on market_data) changes nothing, and exits 1.",
    ],
    options: {
      "retention-days": {
        type: "string",
        value: "N",
        description:
          "drop intraday months that ended more than N days ago (1–36500; default INTRADAY_RETENTION_DAYS, unset: keep all)",
      },
      "dry-run": { type: "boolean", description: "print what it would create and drop, and change nothing" },
      timeout: {
        type: "string",
        value: "SECONDS",
        description: "give up after waiting this many seconds for a lock or a statement (1–3600; default 60)",
      },
      json: jsonDocument(
        "{dryRun, retentionDays, created, dropped}: partition names (with --dry-run, what it would do)",
      ),
    },
  },
  test: {
    summary: "the test suite against real Redis and PostgreSQL (runs `services up --test-tools` first)",
    arguments: "[vitest args]",
    details: [
      "Run it as ./vpa test: the arguments go to vitest run (./vpa test --help prints vitest's options).",
    ],
    options: {},
  },
} as const satisfies Readonly<Record<string, CommandSpec>>;

export type CommandName = keyof typeof COMMANDS;

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/**
 * The command an argument list names, and the arguments that follow it: `alerts retry --json` is
 * the command `alerts retry`; `signals --json` is `signals`. Undefined when the first word names
 * no command.
 */
export function resolveCommand(
  argv: readonly string[],
): { readonly name: CommandName; readonly args: readonly string[] } | undefined {
  const [first, second] = argv;
  if (first === undefined) return undefined;
  const both = `${first} ${second}`;
  if (second !== undefined && isCommandName(both)) return { name: both, args: argv.slice(2) };
  return isCommandName(first) ? { name: first, args: argv.slice(1) } : undefined;
}
