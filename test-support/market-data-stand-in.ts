/**
 * A market-data stand-in for tests: a real HTTP server on 127.0.0.1 that serves bars you give it in
 * the two wire shapes of docs/vn-market.md §7, with the faults real feeds have on demand.
 *
 * Routes (any path prefix, so `baseUrl` works as the base of both providers):
 * - TradingView UDF: `GET …/history?symbol=VCB&resolution=D&from=<unix s>&to=<unix s>` →
 *   `{"s":"ok","t":[...],"o":[...],"h":[...],"l":[...],"c":[...],"v":[...]}` with the bars whose stamp
 *   lies in [from, to], or `{"s":"no_data"}`; prices in thousand VND as given. Missing parameters →
 *   `{"s":"error","errmsg":...}`.
 * - Vietcap: `POST …/chart/OHLCChart/gap-chart` body `{"timeFrame","symbols":[s],"to","countBack"}` →
 *   `[{"symbol":s,"t":["<unix s>",...],"o":[...],...}]`: the last `countBack` bars stamped at or
 *   before `to` (at most `vietcapMaxCountBack`), prices in VND (× 1000), stamps as strings as
 *   Vietcap sends them. A bad body → HTTP 400.
 *
 * Stamps: an intraday bar time (`2024-01-02T09:15:00+07:00`) is its instant; a daily bar
 * (`2024-01-02`) is stamped at 00:00 UTC of its date (VNDirect dchart's way) or, with
 * `dailyStamp: "local-midnight"`, at 00:00 in Vietnam (17:00 UTC the day before).
 *
 * Bars are served exactly as given, duplicates and invalid rows included (that is what real feeds
 * send); a `Map` serves the same bars whatever the resolution asked, a loader gets the timeframe.
 *
 * Faults apply to the next data requests in the order they were queued, one fault per request:
 * `failNext(2, 503)` then `slowNext(1, 500)` → requests 1 and 2 answer 503, request 3 waits 500 ms.
 *
 * @example
 * const server = await startMarketDataStandIn({ bars: await loadFixtureBars(["VCB"]) });
 * server.failNext(3, 503);
 * const provider = createUdfProvider({ baseUrl: server.baseUrl });
 * await provider.fetchBars({ symbol: "VCB", timeframe: "1D", from: "2020-01-02", to: "2020-12-31" });
 * server.requests.length; // 4
 * await server.close();
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** One bar, prices in thousand VND (structurally a `BarRow`). */
export interface StandInBar {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** The timeframe a request asked for, in the system's notation. */
export type StandInTimeframe = "1D" | "1W" | "1m" | "5m" | "15m" | "30m" | "1h";

export type StandInBarSource =
  | ReadonlyMap<string, readonly StandInBar[]>
  | ((symbol: string, timeframe: StandInTimeframe) => readonly StandInBar[] | undefined);

export interface MarketDataStandInOptions {
  readonly bars: StandInBarSource;
  /** How daily bars are stamped. Default "utc-midnight". */
  readonly dailyStamp?: "utc-midnight" | "local-midnight";
  /** Vietcap: the most bars one answer holds, whatever `countBack` asks (real servers cap). Default none. */
  readonly vietcapMaxCountBack?: number;
}

export type StandInFault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: "slow"; readonly ms: number }
  | { readonly kind: "truncated" | "garbage" | "mismatched" };

/** One request as the stand-in received it. */
export interface StandInRequest {
  readonly shape: "udf" | "vietcap" | "unknown";
  readonly method: string;
  readonly url: string;
  readonly symbol: string | undefined;
  /** Timeframe asked (UDF resolution or Vietcap timeFrame, translated). */
  readonly timeframe: StandInTimeframe | undefined;
  /** UDF `from`; unix seconds. */
  readonly from: number | undefined;
  /** UDF or Vietcap `to`; unix seconds. */
  readonly to: number | undefined;
  readonly countBack: number | undefined;
  /** `Date.now()` at arrival. */
  readonly receivedAt: number;
  /** The fault applied, if any. */
  readonly fault: StandInFault | undefined;
  /** Bars in the answer (0 for faults and no_data). */
  readonly barCount: number;
}

export interface MarketDataStandIn {
  /** `http://127.0.0.1:<port>`: the `baseUrl` of either provider. */
  readonly baseUrl: string;
  /** Every request received, in arrival order. */
  readonly requests: StandInRequest[];
  /** Most requests in flight at once since start (or {@link resetStats}). */
  maxInFlight(): number;
  /** Clears `requests` and `maxInFlight`. */
  resetStats(): void;
  /** The next `count` requests answer `status` (with `Retry-After` when given) and no bars. */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** The next `count` requests wait `ms` before answering (normally). */
  slowNext(count: number, ms: number): void;
  /**
   * The next `count` requests answer HTTP 200 with a broken body: `truncated` (the real JSON cut in
   * half), `garbage` (an HTML error page), `mismatched` (valid JSON, columns of different lengths).
   */
  malformNext(count: number, kind: "truncated" | "garbage" | "mismatched"): void;
  /** From now on `symbol` has no data (`{"s":"no_data"}` / empty columns). */
  noDataFor(symbol: string): void;
  /** Forgets queued faults and no-data symbols. */
  clearFaults(): void;
  close(): Promise<void>;
}

const UDF_RESOLUTIONS: Readonly<Record<string, StandInTimeframe>> = {
  "1": "1m",
  "5": "5m",
  "15": "15m",
  "30": "30m",
  "60": "1h",
  D: "1D",
  "1D": "1D",
  W: "1W",
  "1W": "1W",
};
const VIETCAP_TIME_FRAMES: Readonly<Record<string, StandInTimeframe>> = {
  ONE_DAY: "1D",
  ONE_HOUR: "1h",
  ONE_MINUTE: "1m",
};
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export async function startMarketDataStandIn(options: MarketDataStandInOptions): Promise<MarketDataStandIn> {
  const requests: StandInRequest[] = [];
  const faults: StandInFault[] = [];
  const noData = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;

  const stampOf = (time: string): number => {
    if (DATE_PATTERN.test(time)) {
      const utcMidnight = Date.parse(`${time}T00:00:00Z`) / 1000;
      return options.dailyStamp === "local-midnight" ? utcMidnight - 7 * 3600 : utcMidnight;
    }
    const ms = Date.parse(time);
    if (Number.isNaN(ms)) throw new Error(`stand-in: not a bar time ${JSON.stringify(time)}`);
    return ms / 1000;
  };
  const barsOf = (symbol: string, timeframe: StandInTimeframe): readonly StandInBar[] => {
    if (noData.has(symbol)) return [];
    const source = options.bars;
    const bars = typeof source === "function" ? source(symbol, timeframe) : source.get(symbol);
    return bars ?? [];
  };

  const server = createServer((request, response) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on("close", () => {
      inFlight -= 1;
    });
    readBody(request)
      .then((body) => handle(request, body, response))
      .catch((error: unknown) => {
        if (!response.headersSent && !response.destroyed) {
          response.writeHead(500, { "content-type": "text/plain" }).end(String(error));
        }
      });
  });

  async function handle(request: IncomingMessage, rawBody: string, response: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const fault = faults.shift();
    let answer: { status: number; body: unknown; symbol?: string; barCount: number };
    let entry: Omit<StandInRequest, "fault" | "barCount" | "receivedAt">;
    if (request.method === "GET" && url.pathname.endsWith("/history")) {
      const symbol = url.searchParams.get("symbol") ?? undefined;
      const timeframe = UDF_RESOLUTIONS[url.searchParams.get("resolution") ?? ""];
      const from = numberParam(url.searchParams.get("from"));
      const to = numberParam(url.searchParams.get("to"));
      entry = {
        shape: "udf",
        method: "GET",
        url: url.pathname + url.search,
        symbol,
        timeframe,
        from,
        to,
        countBack: undefined,
      };
      answer =
        symbol === undefined || timeframe === undefined || from === undefined || to === undefined
          ? {
              status: 200,
              body: { s: "error", errmsg: "symbol, resolution, from and to are required" },
              barCount: 0,
            }
          : answerUdf(symbol, timeframe, from, to);
    } else if (request.method === "POST" && url.pathname.endsWith("/chart/OHLCChart/gap-chart")) {
      const body = parseJson(rawBody);
      const symbols = isObject(body) && Array.isArray(body.symbols) ? body.symbols : undefined;
      const symbol = typeof symbols?.[0] === "string" ? symbols[0] : undefined;
      const timeframe = isObject(body) ? VIETCAP_TIME_FRAMES[String(body.timeFrame)] : undefined;
      const to = isObject(body) && typeof body.to === "number" ? body.to : undefined;
      const countBack = isObject(body) && typeof body.countBack === "number" ? body.countBack : undefined;
      entry = {
        shape: "vietcap",
        method: "POST",
        url: url.pathname,
        symbol,
        timeframe,
        from: undefined,
        to,
        countBack,
      };
      answer =
        symbol === undefined || timeframe === undefined || to === undefined || countBack === undefined
          ? {
              status: 400,
              body: { status: 400, message: "timeFrame, symbols, to and countBack are required" },
              barCount: 0,
            }
          : answerVietcap(symbol, timeframe, to, countBack);
    } else {
      entry = {
        shape: "unknown",
        method: request.method ?? "",
        url: url.pathname,
        symbol: undefined,
        timeframe: undefined,
        from: undefined,
        to: undefined,
        countBack: undefined,
      };
      answer = { status: 404, body: { message: "not found" }, barCount: 0 };
    }
    const applied = entry.shape === "unknown" ? undefined : fault;
    if (applied === undefined && fault !== undefined) faults.unshift(fault);
    requests.push({
      ...entry,
      receivedAt,
      fault: applied,
      barCount: applied === undefined || applied.kind === "slow" ? answer.barCount : 0,
    });

    if (applied?.kind === "slow") {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, applied.ms);
        timers.add(timer);
      });
    }
    if (response.destroyed) return; // the client gave up (time-out)
    if (applied?.kind === "status") {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (applied.retryAfterSeconds !== undefined) headers["retry-after"] = String(applied.retryAfterSeconds);
      response.writeHead(applied.status, headers).end(JSON.stringify({ error: `HTTP ${applied.status}` }));
      return;
    }
    const json = JSON.stringify(answer.body);
    if (applied?.kind === "truncated") {
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(json.slice(0, Math.floor(json.length / 2)));
      return;
    }
    if (applied?.kind === "garbage") {
      response
        .writeHead(200, { "content-type": "text/html" })
        .end("<html><body>502 Bad Gateway</body></html>");
      return;
    }
    if (applied?.kind === "mismatched") {
      const broken =
        entry.shape === "udf"
          ? { s: "ok", t: [1_600_000_000, 1_600_086_400], o: [1], h: [1, 2], l: [1, 2], c: [1, 2], v: [1, 2] }
          : [
              {
                symbol: entry.symbol,
                t: ["1600000000", "1600086400"],
                o: [1000],
                h: [1000],
                l: [1000],
                c: [1000],
                v: [],
              },
            ];
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(broken));
      return;
    }
    response.writeHead(answer.status, { "content-type": "application/json" }).end(json);
  }

  function answerUdf(symbol: string, timeframe: StandInTimeframe, from: number, to: number) {
    const t: number[] = [];
    const o: number[] = [];
    const h: number[] = [];
    const l: number[] = [];
    const c: number[] = [];
    const v: number[] = [];
    for (const bar of barsOf(symbol, timeframe)) {
      const stamp = stampOf(bar.time);
      if (stamp < from || stamp > to) continue;
      t.push(stamp);
      o.push(bar.open);
      h.push(bar.high);
      l.push(bar.low);
      c.push(bar.close);
      v.push(bar.volume);
    }
    if (t.length === 0) return { status: 200, body: { s: "no_data" }, barCount: 0 };
    return { status: 200, body: { s: "ok", t, o, h, l, c, v }, barCount: t.length };
  }

  function answerVietcap(symbol: string, timeframe: StandInTimeframe, to: number, countBack: number) {
    const limit = Math.min(countBack, options.vietcapMaxCountBack ?? Number.POSITIVE_INFINITY);
    const eligible = barsOf(symbol, timeframe).filter((bar) => stampOf(bar.time) <= to);
    const served = limit > 0 ? eligible.slice(-limit) : [];
    const vnd = (thousand: number): number => Number((thousand * 1000).toFixed(4));
    return {
      status: 200,
      body: [
        {
          symbol,
          t: served.map((bar) => String(stampOf(bar.time))),
          o: served.map((bar) => vnd(bar.open)),
          h: served.map((bar) => vnd(bar.high)),
          l: served.map((bar) => vnd(bar.low)),
          c: served.map((bar) => vnd(bar.close)),
          v: served.map((bar) => bar.volume),
          accumulatedVolume: served.map((bar) => bar.volume),
          accumulatedValue: served.map((bar) => bar.volume * bar.close),
          minBatchTruncTime: served.length > 0 ? String(stampOf(served[0]!.time)) : null,
        },
      ],
      barCount: served.length,
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const queue = (count: number, fault: StandInFault): void => {
    for (let index = 0; index < count; index++) faults.push(fault);
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    resetStats() {
      requests.length = 0;
      maxInFlight = inFlight;
    },
    failNext: (count, status, retryAfterSeconds) =>
      queue(
        count,
        retryAfterSeconds === undefined
          ? { kind: "status", status }
          : { kind: "status", status, retryAfterSeconds },
      ),
    slowNext: (count, ms) => queue(count, { kind: "slow", ms }),
    malformNext: (count, kind) => queue(count, { kind }),
    noDataFor: (symbol) => {
      noData.add(symbol);
    },
    clearFaults() {
      faults.length = 0;
      noData.clear();
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberParam(text: string | null): number | undefined {
  if (text === null || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** The VN30 daily fixture the repository carries (2018 → 2021, thousand VND). */
export const VN30_DAILY_FIXTURE = fileURLToPath(
  new URL("../fixtures/vn30-daily-2018-2021.csv.gz", import.meta.url),
);

/**
 * Daily bars of `symbols` (all when omitted) from a multi-symbol `symbol,date,open,high,low,close,volume`
 * CSV (`.gz` or plain), in file order, rows kept as they are (invalid ones included).
 */
export async function loadFixtureBars(
  symbols?: readonly string[],
  path: string = VN30_DAILY_FIXTURE,
): Promise<Map<string, StandInBar[]>> {
  const raw = await readFile(path);
  const text = (path.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  const wanted = symbols === undefined ? undefined : new Set(symbols);
  const bars = new Map<string, StandInBar[]>();
  const lines = text.split("\n");
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === "") continue;
    const [symbol, date, open, high, low, close, volume] = line.split(",");
    if (symbol === undefined || date === undefined || (wanted !== undefined && !wanted.has(symbol))) continue;
    let list = bars.get(symbol);
    if (list === undefined) {
      list = [];
      bars.set(symbol, list);
    }
    list.push({
      time: date,
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
    });
  }
  return bars;
}
