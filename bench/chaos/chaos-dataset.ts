/**
 * The chaos data set: daily bars of N symbols and M Telegram chats with mixed subscriptions, in a
 * template database that every scenario clones (`create database … template …`), so each scenario
 * starts from the same clean state in well under a second.
 *
 * Bars come from the bundled VN30 file in `fixtures/` (30 symbols) or, for a few hundred symbols,
 * the shared market file (`../shared/data/vn-daily-2000-2021.csv.gz`, 1,681 symbols). Only the
 * chosen symbols' last ~18 months are imported (the scanner loads 250 bars per job), through the
 * project's importer, as `vpa import` does.
 *
 * Subscriptions (through the project's `subscribe`, as `vpa subscribe` does) are drawn from a
 * seeded generator, so a seed always gives the same chats, all in instant delivery mode:
 * - private chats (positive ids) cycle through four kinds: a watch list (a quarter of the symbols),
 *   a score threshold (45–55), three signal types, and two overlapping subscriptions (a watch list
 *   plus score ≥ 60: the subscriber must still get each alert once);
 * - group chats (negative ids) watch a tenth of the symbols at score ≥ 30, since Telegram lets a
 *   group receive only 20 messages a minute.
 */
import { createReadStream, existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { SIGNAL_TYPES } from "@vpa/core";
import { createDatabase, type Database, migrateToLatest, type SubscriptionInput, subscribe } from "@vpa/db";
import { importBars, importStockMetadata } from "@vpa/scanner";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { seededRandom } from "../../test-support/seeded-random.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Where each named data set's bars and stock names are. */
export const DATASETS = {
  fixtures: {
    bars: join(ROOT, "fixtures/vn30-daily-2018-2021.csv.gz"),
    stocks: join(ROOT, "fixtures/vn30-symbols.csv"),
  },
  shared: {
    bars: join(ROOT, "../shared/data/vn-daily-2000-2021.csv.gz"),
    stocks: join(ROOT, "../shared/data/vn-symbols.csv"),
  },
} as const;

export interface DatasetOptions {
  /** `fixtures`, `shared`, or the path of a CSV (`symbol,date,open,high,low,close,volume`, .gz ok). */
  readonly dataset: string;
  /** At most this many symbols: the first by name among those trading up to the file's last day. */
  readonly symbols: number;
  readonly chats: number;
  /** Of `chats`, how many are group chats. */
  readonly groups: number;
  readonly seed: number;
}

export interface ChatPlan {
  readonly chatId: string;
  readonly kind: "watchlist" | "threshold" | "types" | "overlap" | "group";
  readonly subscriptions: readonly Omit<SubscriptionInput, "channel" | "address">[];
}

export interface PreparedDataset {
  readonly symbols: readonly string[];
  readonly bars: number;
  readonly chats: readonly ChatPlan[];
}

/** The shared seeded generator (mulberry32): the same seed gives the same chats and fault times. */
export { seededRandom };

function pick<T>(random: () => number, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) {
    chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  }
  return chosen.sort();
}

/** The chats and their subscriptions for these symbols. */
export function planChats(symbols: readonly string[], options: DatasetOptions): ChatPlan[] {
  const random = seededRandom(options.seed);
  const chats: ChatPlan[] = [];
  const groups = Math.min(options.groups, options.chats);
  const watchSize = Math.max(3, Math.round(symbols.length / 4));
  for (let index = 0; index < options.chats - groups; index++) {
    const chatId = String(700_000_001 + index);
    switch (index % 4) {
      case 0:
        chats.push({
          chatId,
          kind: "watchlist",
          subscriptions: [{ symbols: pick(random, symbols, watchSize) }],
        });
        break;
      case 1:
        chats.push({
          chatId,
          kind: "threshold",
          subscriptions: [{ minScore: 45 + Math.floor(random() * 3) * 5 }],
        });
        break;
      case 2:
        chats.push({
          chatId,
          kind: "types",
          subscriptions: [{ signalTypes: pick(random, SIGNAL_TYPES, 3) }],
        });
        break;
      default:
        chats.push({
          chatId,
          kind: "overlap",
          subscriptions: [{ symbols: pick(random, symbols, Math.ceil(watchSize / 2)) }, { minScore: 60 }],
        });
    }
  }
  for (let index = 0; index < groups; index++) {
    chats.push({
      chatId: String(-1_001_000_000_001 - index),
      kind: "group",
      subscriptions: [
        { symbols: pick(random, symbols, Math.max(2, Math.round(symbols.length / 10))), minScore: 30 },
      ],
    });
  }
  return chats;
}

async function* csvLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path);
  const lines = createInterface({
    input: path.endsWith(".gz") ? input.pipe(createGunzip()) : input,
    crlfDelay: Infinity,
  });
  for await (const line of lines) yield line;
}

/**
 * Writes the chosen symbols' bars from ~550 days before the file's last trading day to
 * `<workDir>/bars.csv` (two passes over the source: which symbols trade up to that day, then their
 * rows). Returns the symbols.
 */
async function writeBarSubset(
  source: string,
  maxSymbols: number,
  workDir: string,
): Promise<{ file: string; symbols: string[] }> {
  const lastDate = new Map<string, string>();
  const rows = new Map<string, number>();
  let header = "";
  for await (const line of csvLines(source)) {
    if (header === "") {
      header = line;
      continue;
    }
    const [symbol, date] = line.split(",", 2);
    if (symbol === undefined || date === undefined) continue;
    if ((lastDate.get(symbol) ?? "") < date) lastDate.set(symbol, date);
    rows.set(symbol, (rows.get(symbol) ?? 0) + 1);
  }
  if (!/^symbol,date,/i.test(header))
    throw new Error(`${source}: expected the header symbol,date,open,high,low,close,volume`);
  // The file's last trading day is the one most symbols end on (a stray symbol may run later).
  const lastDays = [...lastDate.values()].sort();
  const newest = lastDays[Math.floor(lastDays.length / 2)] ?? "";
  const cutoff = new Date(Date.parse(`${newest}T00:00:00Z`) - 550 * 86_400_000).toISOString().slice(0, 10);
  const recentEnough = new Date(Date.parse(`${newest}T00:00:00Z`) - 7 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const chosen = [...lastDate.entries()]
    .filter(([symbol, date]) => date >= recentEnough && (rows.get(symbol) ?? 0) >= 300)
    .map(([symbol]) => symbol)
    .sort()
    .slice(0, maxSymbols);
  const wanted = new Set(chosen);
  const out: string[] = [header];
  let first = true;
  for await (const line of csvLines(source)) {
    if (first) {
      first = false;
      continue;
    }
    const [symbol, date] = line.split(",", 2);
    if (symbol !== undefined && date !== undefined && wanted.has(symbol) && date >= cutoff) out.push(line);
  }
  const file = join(workDir, "bars.csv");
  await writeFile(file, `${out.join("\n")}\n`);
  return { file, symbols: chosen };
}

/** Today in Asia/Ho_Chi_Minh: the importer's bound for future dates. */
function todayInVietnam(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Creates database `name`, migrates it, imports the bars and subscribes the chats. The pool is
 * closed at the end, so the database can serve as a template.
 */
export async function prepareTemplateDatabase(
  serverUrl: string,
  name: string,
  options: DatasetOptions,
  workDir: string,
  log: (line: string) => void,
): Promise<PreparedDataset> {
  const source =
    options.dataset === "fixtures" || options.dataset === "shared"
      ? DATASETS[options.dataset]
      : { bars: options.dataset, stocks: null };
  if (!existsSync(source.bars)) throw new Error(`data set ${options.dataset}: ${source.bars} is absent`);
  await mkdir(workDir, { recursive: true });
  const started = performance.now();
  const subset = await writeBarSubset(source.bars, options.symbols, workDir);
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(serverUrl, `create database ${name}`);
  const handle = createDatabase({ url: `${serverUrl}/${name}`, maxConnections: 4 });
  try {
    await migrateToLatest(handle.db);
    const summary = await importBars(handle.db, [subset.file], {
      todayLocal: todayInVietnam(),
      maxRejectionsKept: 0,
    });
    if (source.stocks !== null && existsSync(source.stocks))
      await importStockMetadata(handle.db, source.stocks);
    const chats = planChats(subset.symbols, options);
    for (const chat of chats) {
      for (const subscription of chat.subscriptions) {
        await subscribe(handle.db, {
          channel: "telegram",
          address: chat.chatId,
          name: `chaos ${chat.kind}`,
          ...subscription,
        });
      }
    }
    await useInstantDelivery(handle.db);
    log(
      `data set: ${subset.symbols.length} symbols, ${summary.barsAccepted.toLocaleString("en-US")} bars, ` +
        `${chats.length} chats (${chats.filter((chat) => chat.kind === "group").length} groups) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return { symbols: subset.symbols, bars: summary.barsAccepted, chats };
  } finally {
    await handle.close();
  }
}

/**
 * Every chat gets each alert as its own message (`delivery_mode = 'instant'`, migration 0009),
 * so deliveries can be counted per (signal, chat). In digest mode, the default, a scan's non-HIGH
 * alerts reach a subscriber as one digest listing the top N: the suite does not count those yet.
 */
async function useInstantDelivery(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ present: boolean }>`
    select exists (
      select 1 from information_schema.columns where table_name = 'subscribers' and column_name = 'delivery_mode'
    ) as present
  `.execute(db);
  if (rows[0]?.present) await sql`update subscribers set delivery_mode = 'instant'`.execute(db);
}

/** A copy of the template for one scenario. */
export async function cloneDatabase(serverUrl: string, template: string, name: string): Promise<string> {
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(serverUrl, `create database ${name} template ${template}`);
  return `${serverUrl}/${name}`;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
}
