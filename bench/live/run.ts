/**
 * bench/live — the live path on a whole market of 1-minute bars: a loopback WebSocket feed
 * replays a trading day (255 HOSE minutes) for every symbol of the shared daily dataset, built
 * deterministically (build-replay-day.ts, README.md), through the stream worker's own code
 * (`startLiveStream`: aggregation, exactly-once commit to PostgreSQL, the streaming analyzers,
 * signals stored and alerted through the scan's path, provisional evaluation of each forming bar
 * with the Redis once-only ledger). Each minute the feed sends every symbol's bar half-formed,
 * then closed, and waits until the worker has committed all of them: as fast as it takes them.
 *
 *   node bench/live/run.ts [--symbols 1681] [--minutes 255] [--minute-ms 1000] [--kill-feed-at M [--down-minutes 3]] [--alerts] [--json FILE]
 *
 * --minute-ms N paces the replay at N real ms per minute (1000: 60× real time) instead of as fast
 * as the worker takes it; a minute still waits for the previous one to be committed.
 *
 * --kill-feed-at M stops the feed at minute M for --down-minutes minutes of the replay (the bars of
 * those minutes are not sent; the stream worker reconnects and backfills them from the provider,
 * which serves every bar published so far) and reports bars lost and doubled.
 *
 * --alerts also runs a real alerts worker process (`vpa worker alerts`) against a loopback Telegram
 * that enforces the real limits, with one subscriber per symbol (instant alerts, score >= 80), and
 * reports the latency from a minute's close message to Telegram accepting each HIGH alert of it
 * (chart included), p50/p99, and HIGH alerts not delivered. It also adds one live day trader per
 * symbol (a chat of its own, as the Telegram bot makes one: /subscribe SYMBOL, the bot's default
 * minimum score, then /live on) and sends the provisional alerts and their follow-ups to them the
 * production way (createProvisionalSink: the stream's process, the shared rate limiter), reporting
 * sent / accepted / dropped / failed / 429s and the latency from the minute's half-formed frames to
 * Telegram accepting each provisional alert, p50/p99 (--no-live-chats leaves them out: the HIGH
 * path alone, as measured before). With it: --job-times prints each HIGH
 * alert job's queue wait; --worker-node-options '<flags>' (e.g. --cpu-prof) go to the worker;
 * --metrics-file FILE keeps the worker's Prometheus metrics at the end; --worker-log-level debug and
 * --keep-logs keep the worker's log (each chart's load and render times) in the printed log folder.
 * --minute-times prints each minute's close message → bars stored, p50 and max over its symbols.
 *
 * Prints: closed-bar analysis latency per bar (the streaming update's CPU alone, and the whole handling:
 * analysis + store + alert), close message → signals stored, p50/p99; bars/s; provisional
 * evaluations/s; RSS after warm-up and at the end; with --alerts, the HIGH alerts' and the provisional
 * alerts' and follow-ups' delivery (sent, accepted, dropped, failed, 429s, latency p50/p99).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createProvisionalSink,
  DEFAULT_BOT_MIN_SCORE,
  type ProvisionalDeliveryResult,
  type ProvisionalSink,
  renderProvisionalEvent,
} from "@vpa/alerts";
import { createDatabase, migrateToLatest, upsertBars, upsertStocks } from "@vpa/db";
import { createLogger, createMetrics, createQueue, loadConfig } from "@vpa/runtime";
import { createProvisionalLedgerRedis, startLiveStream } from "@vpa/scanner";
import { Redis } from "ioredis";
import { sql } from "kysely";
import pg from "pg";
import { ChaosWorker } from "../chaos/chaos-worker.ts";
import {
  buildMinuteBars,
  type MinuteBar,
  minuteVolumeProfile,
  REPLAY_SESSIONS,
  readLastDailyBars,
} from "./build-replay-day.ts";
import { startReplayFeed } from "./replay-feed.ts";
import { startTelegramThread, type TelegramThread } from "./telegram-thread.ts";

const { values: args } = parseArgs({
  options: {
    symbols: { type: "string", default: "1681" },
    minutes: { type: "string", default: "255" },
    "pg-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
    database: { type: "string", default: "vpa_bench_live" },
    dataset: {
      type: "string",
      default: new URL("../../../shared/data/vn-daily-2000-2021.csv.gz", import.meta.url).pathname,
    },
    minutesFile: {
      type: "string",
      default: new URL("../../../shared/data/vn30f1m-1m-2023-11-2024-01.csv", import.meta.url).pathname,
    },
    json: { type: "string" },
    "kill-feed-at": { type: "string" },
    "down-minutes": { type: "string", default: "3" },
    "minute-ms": { type: "string", default: "0" },
    alerts: { type: "boolean", default: false },
    "no-live-chats": { type: "boolean", default: false },
    "job-times": { type: "boolean", default: false },
    "minute-times": { type: "boolean", default: false },
    "worker-node-options": { type: "string" },
    "worker-log-level": { type: "string" },
    "keep-logs": { type: "boolean", default: false },
    "metrics-file": { type: "string" },
  },
});
/** Run a real alerts worker against a loopback Telegram and measure close message → HIGH alert accepted. */
const WITH_ALERTS = args.alerts === true;
/** With --alerts: the live day traders' chats (--no-live-chats: none, the HIGH path alone, as before session 8). */
const LIVE_CHATS = args["no-live-chats"] !== true;
const TOKEN = "424242:BENCH-live-abcdefghijklmnopqrstuvwxyz";
/** The chat watching symbol i (one symbol a chat: no chat's 1/s limit queues one alert behind another). */
const chatOf = (i: number) => String(700_000_000 + i);
/** The live day trader's chat of symbol i (provisional alerts, their follow-ups and final alerts). */
const liveChatOf = (i: number) => String(800_000_000 + i);
const KILL_AT = args["kill-feed-at"] === undefined ? null : Number(args["kill-feed-at"]);
const DOWN_MINUTES = Number(args["down-minutes"]);
/** Real ms per replayed minute: 0 = as fast as the worker takes it; 1000 = 60× real time. */
const MINUTE_MS = Number(args["minute-ms"]);
const until = async (realMs: number) => {
  const wait = realMs - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
};
const SYMBOLS = Number(args.symbols);
const MINUTES = Number(args.minutes);
const log = (line: string) => process.stdout.write(`${line}\n`);

const sorted = (values: number[]) => Float64Array.from(values).sort();
const ms = (value: number) => `${Math.round(value).toLocaleString("en")} ms`;
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const mb = (bytes: number) => Math.round(bytes / 1_048_576);

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${args["pg-url"]}/postgres` });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// 1. The market: each symbol's last three daily bars → three sessions of 1-minute bars.
let t0 = performance.now();
const daily = await readLastDailyBars(args.dataset as string, SYMBOLS);
const profile = minuteVolumeProfile(args.minutesFile as string);
const symbols = [...daily.keys()];
const history = new Map<string, MinuteBar[]>();
const replay = new Map<string, MinuteBar[]>();
for (const [symbol, bars] of daily) {
  history.set(
    symbol,
    REPLAY_SESSIONS.slice(0, 2).flatMap((session, i) => buildMinuteBars(symbol, session, bars[i]!, profile)),
  );
  replay.set(symbol, buildMinuteBars(symbol, REPLAY_SESSIONS[2], bars[2]!, profile).slice(0, MINUTES));
}
log(
  `built ${symbols.length} symbols × (${2 * 255} history + ${MINUTES} replayed) minutes in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

// 2. A fresh database with the two previous sessions stored (the analyzers' warm-up).
const database = args.database as string;
if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name ${database}`);
await adminQuery(`drop database if exists ${database} with (force)`);
await adminQuery(`create database ${database}`);
const handle = createDatabase({ url: `${args["pg-url"]}/${database}`, maxConnections: 10 });
await migrateToLatest(handle.db);
t0 = performance.now();
const stockIds = await upsertStocks(
  handle.db,
  symbols.map((symbol) => ({ symbol, exchange: "HOSE" })),
);
for (const symbol of symbols) await upsertBars(handle.db, stockIds.get(symbol)!, "1m", history.get(symbol)!);
log(`stored ${symbols.length * 510} history bars in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
history.clear(); // the stream worker reads its warm-up from PostgreSQL, like the real one
if (WITH_ALERTS) {
  await sql`
    insert into subscribers (channel, address, language, delivery_mode)
    select 'telegram', a, 'vi', 'instant' from unnest(${symbols.map((_, i) => chatOf(i))}::text[]) as t(a)`.execute(
    handle.db,
  );
  await sql`
    insert into subscriptions (subscriber_id, symbols, signal_types, min_score)
    select s.id, array[t.symbol], null, 80 from unnest(${symbols}::text[], ${symbols.map((_, i) => chatOf(i))}::text[])
      as t(symbol, address) join subscribers s on s.address = t.address`.execute(handle.db);
  // The day traders, as the Telegram bot makes them: /subscribe SYMBOL (the bot's default minimum
  // score; delivery and language left at their defaults: digest, ALERT_LANGUAGE), then /live on.
  // Chats of their own: /live on is a day trader's choice, not every subscriber's, and the chats
  // above keep measuring HIGH alerts with no chat's 1/s limit in the way.
  if (LIVE_CHATS) {
    await sql`
      insert into subscribers (channel, address, live)
      select 'telegram', a, true from unnest(${symbols.map((_, i) => liveChatOf(i))}::text[]) as t(a)`.execute(
      handle.db,
    );
    await sql`
      insert into subscriptions (subscriber_id, symbols, signal_types, min_score)
      select s.id, array[t.symbol], null, ${DEFAULT_BOT_MIN_SCORE}
      from unnest(${symbols}::text[], ${symbols.map((_, i) => liveChatOf(i))}::text[])
        as t(symbol, address) join subscribers s on s.address = t.address`.execute(handle.db);
  }
}
global.gc?.();
const rssBeforeStart = process.memoryUsage().rss;
/** The bench's own heap (the replay's bars): subtracted, what is left after warm-up is the worker's. */
const heapBeforeStart = process.memoryUsage().heapUsed;

// 3. The stream worker's live path, in this process, against the loopback feed.
const connection = {
  redisUrl: args["redis-url"] as string,
  prefix: `vpa-bench-live-${randomBytes(3).toString("hex")}`,
};
const logger = createLogger({ level: "warn", secrets: [TOKEN] });
const alertsQueue = createQueue("alerts", connection);
const deliveriesQueue = createQueue("deliveries", connection);
let telegram: TelegramThread | null = null;
let alertsWorker: ChaosWorker | null = null;
/** The provisional alerts' way to the live subscribers, as `vpa worker stream` builds it. */
let provisionalSink: ProvisionalSink | null = null;
const logDir = await mkdtemp(join(tmpdir(), "vpa-bench-live-"));
if (WITH_ALERTS) {
  telegram = await startTelegramThread(TOKEN);
  alertsWorker = new ChaosWorker("alerts", "alerts-1", {
    databaseUrl: `${args["pg-url"]}/${database}`,
    redisUrl: connection.redisUrl,
    queuePrefix: connection.prefix,
    telegramToken: TOKEN,
    telegramApiRoot: telegram.apiRoot,
    logDir,
    extra: {
      LOG_LEVEL: (args["worker-log-level"] as string | undefined) ?? "error",
      ALERT_LANGUAGE: "vi",
      ...(args["worker-node-options"] === undefined ? {} : { NODE_OPTIONS: args["worker-node-options"] }),
    },
  });
  await alertsWorker.start();
  // The stream worker's configuration as a deployment sets it (the bench's process is the stream's).
  const config = loadConfig({
    DATABASE_URL: `${args["pg-url"]}/${database}`,
    REDIS_URL: connection.redisUrl,
    QUEUE_PREFIX: connection.prefix,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_BOT_COMMANDS: "false",
    ALERT_LANGUAGE: "vi",
  });
  provisionalSink = await createProvisionalSink({
    db: handle.db,
    config,
    connection,
    logger,
    writeConsole: log,
  });
  log(
    `alerts worker started (pid ${alertsWorker.pid}), ${symbols.length} subscribers, one symbol each, and ${LIVE_CHATS ? symbols.length : 0} live ones (score >= ${DEFAULT_BOT_MIN_SCORE})`,
  );
}
const ledger = createProvisionalLedgerRedis(connection);
const feed = await startReplayFeed();
let clock = Date.parse(`${REPLAY_SESSIONS[2]}T09:00:00+07:00`);
let provisionalAlerts = 0;
let followUps = 0;
/** What the provisional sink did with each kind of event (--alerts). */
const delivered = {
  alerts: { events: 0, sent: 0, skipped: 0, failed: 0 },
  followUps: { events: 0, sent: 0, skipped: 0, failed: 0 },
  /** Of the follow-ups dropped, the "held" lines (paced as bulk, not urgent). */
  heldDropped: 0,
};
const tally = (into: typeof delivered.alerts, result: ProvisionalDeliveryResult) => {
  into.events++;
  into.sent += result.sent;
  into.skipped += result.skipped;
  into.failed += result.failed;
};
/**
 * Each provisional message's Telegram HTML (as the live subscribers read it, in ALERT_LANGUAGE) →
 * its bar's start: how an accepted request is matched to its minute. Unique: a text names the
 * symbol, the bar, the signal type and its score.
 */
const provisionalTexts = new Map<string, number>();
/** The same for the follow-ups (held / did not hold) at the bar's close. */
const followUpTexts = new Map<string, number>();
const analysisSeconds: number[] = [];
const handlingSeconds: number[] = [];
const closeToStoredMs: number[] = [];
let minuteSentAt = 0;
/** Wall-clock time (Date.now, as the loopback Telegram stamps requests) each minute's close went out, by bar start. */
const closeSentAtWall = new Map<number, number>();
/** The same for the minute's half-formed frames (a provisional alert's trigger), by bar start. */
const formingSentAtWall = new Map<number, number>();
/** Minutes of the replay day whose closed bars the feed has published (sent, or skipped while down). */
let publishedMinutes = 0;
t0 = performance.now();
const live = await startLiveStream({
  db: handle.db,
  alertsQueue,
  warmUpBars: 600,
  // The backfill source knows every bar published so far (the history is stored already).
  provider: {
    name: "replay",
    fetchBars: async (request) => {
      const fromMs = request.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(request.from);
      const toMs = request.to === undefined ? clock : Date.parse(request.to);
      return (replay.get(request.symbol) ?? []).slice(0, publishedMinutes).filter((bar) => {
        const ms = Date.parse(bar.time);
        return ms >= fromMs && ms <= toMs;
      });
    },
    circuitState: () => "closed",
  },
  metrics: createMetrics({ collectProcessMetrics: false }),
  logger,
  name: "bench",
  url: feed.url,
  symbols,
  timeframe: "1m",
  defaultExchange: "HOSE",
  now: () => clock,
  provisional: {
    redis: ledger,
    prefix: connection.prefix,
    // Without --alerts a counting sink; with it the production delivery (what `vpa worker stream`
    // does with each event), counted around it.
    sink: async (event) => {
      if (event.kind === "provisional") provisionalAlerts++;
      else followUps++;
      if (provisionalSink === null) return;
      const text = renderProvisionalEvent(event, "vi").telegramHtml;
      if (event.kind === "provisional") provisionalTexts.set(text, Date.parse(event.record.time));
      else followUpTexts.set(text, Date.parse(event.barTime));
      const result = await provisionalSink.deliver(event);
      tally(event.kind === "provisional" ? delivered.alerts : delivered.followUps, result);
      if (event.kind === "held") delivered.heldDropped += result.skipped;
    },
  },
  observeClosedBar: (timing) => {
    analysisSeconds.push(timing.analysisSeconds);
    handlingSeconds.push(timing.handlingSeconds);
    closeToStoredMs.push(performance.now() - minuteSentAt);
  },
});
const warmSeconds = (performance.now() - t0) / 1000;
await feed.subscribed();
await live.stream.idle();
global.gc?.();
const heapAfterWarmUp = process.memoryUsage().heapUsed;
log(
  `stream worker started, ${symbols.length} analyzers warmed, in ${warmSeconds.toFixed(1)} s; rss ${mb(rssBeforeStart)} MB before, ${mb(process.memoryUsage().rss)} MB after`,
);

// 4. The replay: each minute, every symbol half-formed, then closed; wait for all to be committed.
const rss: number[] = [process.memoryUsage().rss];
const frame = (symbol: string, bar: MinuteBar, closed: boolean) =>
  JSON.stringify({ type: "bar", symbol, timeframe: "1m", ...bar, closed });
const replayStarted = performance.now();
let formingSeconds = 0;
let feedKills = 0;
for (let m = 0; m < MINUTES; m++) {
  const barStart = Date.parse(replay.get(symbols[0]!)![m]!.time);
  if (KILL_AT !== null && m >= KILL_AT && m < KILL_AT + DOWN_MINUTES) {
    // The feed is down: this minute is published (the provider has it) but never sent.
    if (m === KILL_AT) {
      await feed.kill();
      feedKills++;
    }
    clock = barStart + 60_000;
    publishedMinutes = m + 1;
    if (m === KILL_AT + DOWN_MINUTES - 1) await feed.restart();
    continue;
  }
  // At a set pace the half-formed bars go out half a minute in, the closed ones at the minute's end.
  if (MINUTE_MS > 0) await until(replayStarted + (m + 0.5) * MINUTE_MS);
  clock = barStart + 30_000;
  const forming = symbols.map((symbol) => {
    const bar = replay.get(symbol)![m]!;
    const close = (bar.open + bar.close) / 2;
    return frame(
      symbol,
      {
        ...bar,
        close,
        high: Math.max(bar.open, close),
        low: Math.min(bar.open, close),
        volume: Math.floor(bar.volume / 2),
      },
      false,
    );
  });
  const formingAt = performance.now();
  formingSentAtWall.set(barStart, Date.now());
  feed.broadcast(forming);
  // The forming frames are evaluated as they arrive; let them in before the close.
  const evaluationsTarget = live.provisional!.counters().evaluations + symbols.length;
  while (
    live.provisional!.counters().evaluations < evaluationsTarget &&
    performance.now() - formingAt < 5_000
  )
    await new Promise((resolve) => setImmediate(resolve));
  formingSeconds += (performance.now() - formingAt) / 1000;
  if (MINUTE_MS > 0) await until(replayStarted + (m + 1) * MINUTE_MS);
  clock = barStart + 60_000;
  publishedMinutes = m + 1;
  minuteSentAt = performance.now();
  closeSentAtWall.set(barStart, Date.now());
  feed.broadcast(symbols.map((symbol) => frame(symbol, replay.get(symbol)![m]!, true)));
  // Counted as each bar's handling ends (not `status()`, which walks every symbol's staleness:
  // polled every millisecond it took a third of the process's CPU).
  const target = (m + 1) * symbols.length;
  while (analysisSeconds.length < target) await new Promise((resolve) => setTimeout(resolve, 1));
  if (args["minute-times"] === true) {
    const minute = sorted(closeToStoredMs.slice(-symbols.length));
    log(
      `  minute ${m + 1}: close → stored p50 ${ms(percentile(minute, 50))} / max ${ms(minute.at(-1) ?? Number.NaN)}`,
    );
  }
  if (m % 15 === 14 || m === MINUTES - 1) {
    const memory = process.memoryUsage();
    rss.push(memory.rss);
    log(
      `  minute ${m + 1}/${MINUTES}: ${((m + 1) * symbols.length).toLocaleString("en")} bars, rss ${mb(memory.rss)} MB (heap used ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)}, external ${mb(memory.external)}, array buffers ${mb(memory.arrayBuffers)})`,
    );
  }
}
await live.provisional?.idle();
const replaySeconds = (performance.now() - replayStarted) / 1000;
// Memory growth over the replay, garbage collected first (RSS alone keeps what the GC has not returned).
global.gc?.();
const heapAfterReplay = process.memoryUsage().heapUsed;
const bars = MINUTES * symbols.length;
const signals =
  (await sql<{ n: number }>`select count(*)::int as n from vpa_signals`.execute(handle.db)).rows[0]?.n ?? 0;
const counters = live.provisional!.counters();
const replayedFrom = new Date(`${REPLAY_SESSIONS[2]}T00:00:00+07:00`);
const replayedStored =
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from market_data where time >= ${replayedFrom}`.execute(handle.db)
  ).rows[0]?.n ?? 0;

// The HIGH alerts, from the minute's close message to Telegram accepting the alert to its chat.
let highAlerts: {
  signals: number;
  delivered: number;
  p50: number;
  p99: number;
  max: number;
  fromSignalStored: { p50: number; p99: number };
  storedToClaimed: { p50: number; p99: number };
  claimedToSent: { p50: number; p99: number };
  messagesAccepted: number;
  tooMany: number;
} | null = null;
/** The provisional alerts and their follow-ups as the live subscribers' Telegram accepted them. */
interface ProvisionalDeliveryFigures {
  /** Events handed to the sink (after the once-only claim). */
  readonly events: number;
  /** Sends made (one per live recipient) and those Telegram accepted (200), matched by their text. */
  readonly sent: number;
  readonly accepted: number;
  /** Not sent: no rate-limit slot within 5 s (or quiet hours; none here). Perishable: never retried. */
  readonly dropped: number;
  readonly failed: number;
  /** Answered 429 by the loopback Telegram. */
  readonly tooMany: number;
  /** From the trigger (half-formed frames / close message) to Telegram accepting the message, ms. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
}
let provisionalDelivery: {
  liveSubscribers: number;
  minScore: number;
  alerts: ProvisionalDeliveryFigures;
  followUps: ProvisionalDeliveryFigures;
  /** Of `followUps.dropped`, the "held" lines (bulk pace; "did not hold" is urgent). */
  heldDropped: number;
  /** Final alerts (closed bars, from the alerts worker) the live chats accepted, for the load. */
  finalAlertsToLiveChats: number;
} | null = null;
if (telegram !== null) {
  const owed = async () =>
    (
      await sql<{ n: number }>`
        select ((select count(*) from alerts where state = 'pending') +
          (select count(*) from alert_deliveries where status in ('queued', 'retry', 'sending')))::int as n`.execute(
        handle.db,
      )
    ).rows[0]?.n ?? 0;
  const drainDeadline = Date.now() + 120_000;
  while ((await owed()) > 0 && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 200));
  const high = (
    await sql<{ symbol: string; time: Date; stored: Date }>`
      select st.symbol, s.time, s.created_at as stored from vpa_signals s join stocks st on st.id = s.stock_id
      where s.priority = 'HIGH' order by s.time`.execute(handle.db)
  ).rows;
  const indexOf = new Map(symbols.map((symbol, i) => [symbol, i]));
  const acceptedByChat = new Map<string, number[]>();
  const requests = await telegram.requests();
  const isProvisional = (text: string | null) =>
    text !== null && (provisionalTexts.has(text) || followUpTexts.has(text));
  for (const request of requests) {
    if ((request.method !== "sendPhoto" && request.method !== "sendMessage") || request.status !== 200)
      continue;
    if (isProvisional(request.text)) continue; // final alerts only
    acceptedByChat.set(request.chatId, [...(acceptedByChat.get(request.chatId) ?? []), request.receivedAt]);
  }
  const latencies: number[] = [];
  const fromStored: number[] = [];
  for (const signal of high) {
    const sentAt = closeSentAtWall.get(signal.time.getTime());
    const chat = chatOf(indexOf.get(signal.symbol) ?? -1);
    // The first acceptance to the symbol's chat after the close went out (several HIGH signals of
    // one bar are one message each; the earliest is this bar's first).
    const accepted = (acceptedByChat.get(chat) ?? []).find((at) => sentAt !== undefined && at >= sentAt);
    if (sentAt !== undefined && accepted !== undefined) {
      latencies.push(accepted - sentAt);
      fromStored.push(accepted - signal.stored.getTime());
    }
  }
  // Where the time goes: signal stored → the delivery claimed (fan-out, queue, limiter) → sent.
  const stages = (
    await sql<{ claimed: number; sent: number }>`
      select extract(epoch from d.claimed_at - s.created_at) * 1000 as claimed,
        extract(epoch from d.sent_at - d.claimed_at) * 1000 as sent
      from vpa_signals s join alerts a on a.signal_id = s.id join alert_deliveries d on d.alert_id = a.id
      where s.priority = 'HIGH' and d.status = 'sent'`.execute(handle.db)
  ).rows;
  if (args["job-times"] === true) {
    const jobs = await alertsQueue.queue.getJobs(["completed"], 0, 10_000);
    const highIds = new Set(
      (
        await sql<{
          id: number;
          stored: Date;
        }>`select id, created_at as stored from vpa_signals where priority = 'HIGH'`.execute(handle.db)
      ).rows.map((r) => [r.id, r.stored.getTime()] as const),
    );
    const storedOf = new Map(highIds);
    for (const job of jobs) {
      const stored = storedOf.get((job.data as { signalId: number }).signalId);
      if (stored === undefined) continue;
      log(
        `HIGH alert job: stored→added ${job.timestamp - stored} ms, added→started ${(job.processedOn ?? 0) - job.timestamp} ms, ran ${(job.finishedOn ?? 0) - (job.processedOn ?? 0)} ms`,
      );
    }
    // Each HIGH delivery on one line, every stage since its signal was stored.
    const deliveryJobs = await deliveriesQueue.queue.getJobs(["completed"], 0, 10_000);
    const startedOf = new Map(
      deliveryJobs.map((job) => [(job.data as { deliveryId: number }).deliveryId, job] as const),
    );
    const deliveries = (
      await sql<{ id: number; stored: Date; claimed: Date; sent: Date }>`
        select d.id, s.created_at as stored, d.claimed_at as claimed, d.sent_at as sent
        from vpa_signals s join alerts a on a.signal_id = s.id join alert_deliveries d on d.alert_id = a.id
        where s.priority = 'HIGH' and d.status = 'sent' order by s.created_at, d.claimed_at`.execute(
        handle.db,
      )
    ).rows;
    for (const d of deliveries) {
      const job = startedOf.get(Number(d.id));
      const stored = d.stored.getTime();
      log(
        `HIGH delivery (ms after stored): job added ${(job?.timestamp ?? Number.NaN) - stored}, started ${(job?.processedOn ?? Number.NaN) - stored}, claimed ${d.claimed.getTime() - stored}, sent ${d.sent.getTime() - stored}`,
      );
    }
  }
  const claimedMs = Float64Array.from(stages.map((r) => Number(r.claimed))).sort();
  const sentMs = Float64Array.from(stages.map((r) => Number(r.sent))).sort();
  const ordered = Float64Array.from(latencies).sort();
  const orderedFromStored = Float64Array.from(fromStored).sort();
  highAlerts = {
    signals: high.length,
    delivered: latencies.length,
    p50: percentile(ordered, 50),
    p99: percentile(ordered, 99),
    max: ordered.at(-1) ?? Number.NaN,
    fromSignalStored: { p50: percentile(orderedFromStored, 50), p99: percentile(orderedFromStored, 99) },
    storedToClaimed: { p50: percentile(claimedMs, 50), p99: percentile(claimedMs, 99) },
    claimedToSent: { p50: percentile(sentMs, 50), p99: percentile(sentMs, 99) },
    messagesAccepted: symbols.reduce((n, _, i) => n + (acceptedByChat.get(chatOf(i))?.length ?? 0), 0),
    tooMany: requests.filter((r) => r.status === 429).length,
  };

  // The live chats: each provisional message matched to its minute by its text.
  const figuresOf = (
    texts: ReadonlyMap<string, number>,
    triggeredAt: ReadonlyMap<number, number>,
    counts: typeof delivered.alerts,
  ): ProvisionalDeliveryFigures => {
    const latencies: number[] = [];
    let tooMany = 0;
    for (const request of requests) {
      const barStart = request.text === null ? undefined : texts.get(request.text);
      if (request.method !== "sendMessage" || barStart === undefined) continue;
      if (request.status === 429) tooMany++;
      const trigger = triggeredAt.get(barStart);
      if (request.status === 200 && trigger !== undefined) latencies.push(request.receivedAt - trigger);
    }
    const ordered = Float64Array.from(latencies).sort();
    return {
      events: counts.events,
      sent: counts.sent,
      accepted: latencies.length,
      dropped: counts.skipped,
      failed: counts.failed,
      tooMany,
      latency: {
        p50: percentile(ordered, 50),
        p99: percentile(ordered, 99),
        max: ordered.at(-1) ?? Number.NaN,
      },
    };
  };
  provisionalDelivery = {
    liveSubscribers: LIVE_CHATS ? symbols.length : 0,
    minScore: DEFAULT_BOT_MIN_SCORE,
    alerts: figuresOf(provisionalTexts, formingSentAtWall, delivered.alerts),
    followUps: figuresOf(followUpTexts, closeSentAtWall, delivered.followUps),
    heldDropped: delivered.heldDropped,
    finalAlertsToLiveChats: symbols.reduce(
      (n, _, i) => n + (acceptedByChat.get(liveChatOf(i))?.length ?? 0),
      0,
    ),
  };
}

const analysis = sorted(analysisSeconds);
const handling = sorted(handlingSeconds);
const closeToStored = sorted(closeToStoredMs);
const result = {
  symbols: symbols.length,
  minutes: MINUTES,
  minuteMs: MINUTE_MS,
  bars,
  replaySeconds,
  barsPerSecond: bars / replaySeconds,
  analysisMicroseconds: { p50: percentile(analysis, 50) * 1e6, p99: percentile(analysis, 99) * 1e6 },
  handlingMilliseconds: { p50: percentile(handling, 50) * 1e3, p99: percentile(handling, 99) * 1e3 },
  closeToStoredMilliseconds: { p50: percentile(closeToStored, 50), p99: percentile(closeToStored, 99) },
  provisional: {
    evaluations: counters.evaluations,
    evaluationsPerSecondOfFormingPhase: counters.evaluations / formingSeconds,
    alerts: provisionalAlerts,
    followUps,
    held: counters.held,
    didNotHold: counters.didNotHold,
  },
  signalsStored: signals,
  highAlertsCloseToTelegramMilliseconds: highAlerts,
  provisionalDelivery,
  feed: {
    killed: feedKills,
    downMinutes: KILL_AT === null ? 0 : DOWN_MINUTES,
    barsExpected: bars,
    barsStored: replayedStored,
    barsLost: bars - replayedStored,
    // Each closed bar's handling is observed once per announcement: more than stored = doubled.
    barsAnnouncedTwice: analysisSeconds.length - replayedStored,
  },
  rssMegabytes: {
    beforeStart: mb(rssBeforeStart),
    afterWarmUp: mb(rss[0]!),
    peak: mb(Math.max(...rss)),
    end: mb(rss.at(-1)!),
  },
  heapMegabytesAfterGc: {
    beforeStart: mb(heapBeforeStart),
    workerAfterWarmUp: mb(heapAfterWarmUp - heapBeforeStart),
    afterWarmUp: mb(heapAfterWarmUp),
    afterReplay: mb(heapAfterReplay),
    growthPercent: ((heapAfterReplay - heapAfterWarmUp) / heapAfterWarmUp) * 100,
  },
  warmUpSeconds: warmSeconds,
};
log(JSON.stringify(result, null, 2));
if (highAlerts !== null)
  log(
    `HIGH alerts: ${highAlerts.delivered} of ${highAlerts.signals} accepted, close → accepted p50 ${ms(highAlerts.p50)} / p99 ${ms(highAlerts.p99)}; ${highAlerts.tooMany} × 429 in all`,
  );
if (provisionalDelivery !== null) {
  const { alerts, followUps: after, heldDropped } = provisionalDelivery;
  log(
    `provisional alerts: ${alerts.events} claimed, ${alerts.sent} sent to live chats, ${alerts.accepted} accepted, ${alerts.dropped} dropped, ${alerts.failed} failed, ${alerts.tooMany} × 429; half-formed frames → accepted p50 ${ms(alerts.latency.p50)} / p99 ${ms(alerts.latency.p99)} (max ${ms(alerts.latency.max)})`,
  );
  log(
    `follow-ups: ${after.events} (held / did not hold), ${after.sent} sent, ${after.accepted} accepted, ${after.dropped} dropped (${heldDropped} of them "held"), ${after.failed} failed, ${after.tooMany} × 429; close → accepted p50 ${ms(after.latency.p50)} / p99 ${ms(after.latency.p99)}`,
  );
}
if (args.json !== undefined) await writeFile(args.json, `${JSON.stringify(result, null, 2)}\n`);

// 5. Clean up: nothing of the bench stays in Redis or PostgreSQL.
await live.stop();
await feed.close();
if (args["metrics-file"] !== undefined && alertsWorker !== null)
  await writeFile(args["metrics-file"], (await alertsWorker.metricsText()) ?? "");
await provisionalSink?.close();
await alertsWorker?.stop("SIGTERM", 20_000);
await telegram?.close();
if (args["keep-logs"] === true) log(`worker log kept in ${logDir}`);
else await rm(logDir, { recursive: true, force: true });
await alertsQueue.queue.obliterate({ force: true });
await alertsQueue.close();
await deliveriesQueue.close();
ledger.disconnect();
const redis = new Redis(connection.redisUrl);
let cursor = "0";
do {
  const [next, keys] = await redis.scan(cursor, "MATCH", `${connection.prefix}:*`, "COUNT", 1000);
  cursor = next;
  if (keys.length > 0) await redis.del(...keys);
} while (cursor !== "0");
redis.disconnect();
await handle.close();
await adminQuery(`drop database if exists ${database} with (force)`);
