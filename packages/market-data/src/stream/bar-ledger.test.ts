import { describe, expect, it } from "vitest";
import type { ClosedBar, StreamBar } from "./bar-aggregator.ts";
import { type BackfillSource, type BarLedger, createBarLedger, type LedgerEvent } from "./bar-ledger.ts";
import { formatBarTime, parseBarTime } from "./stream-timeframe.ts";

const T = (local: string) => `2024-01-02T${local}:00+07:00`;
const bar = (local: string, close = 10): StreamBar => ({
  time: T(local),
  open: 10,
  high: 11,
  low: 9,
  close,
  volume: 100,
});
const closedBar = (local: string, complete = true, close = 10): ClosedBar => ({
  symbol: "FPT",
  bar: bar(local, close),
  startMs: parseBarTime(T(local)),
  endMs: parseBarTime(T(local)) + 900_000,
  complete,
});

/** In-memory ports: a store keyed by time (idempotent, like upsertBars) and a log of announcements. */
function harness(options: {
  stored?: StreamBar[];
  source?: StreamBar[];
  nowLocal: string;
  failStores?: number;
}) {
  const store = new Map<string, StreamBar>((options.stored ?? []).map((b) => [b.time, b]));
  const announced: string[] = [];
  const requests: { from?: string; to?: string }[] = [];
  const events: LedgerEvent[] = [];
  let failStores = options.failStores ?? 0;
  let nowMs = parseBarTime(T(options.nowLocal));
  let sourceBars = options.source ?? [];
  const source: BackfillSource = {
    name: "fake",
    async fetchBars(request) {
      requests.push({ from: request.from, to: request.to });
      const from = request.from === undefined ? -Infinity : parseBarTime(request.from);
      const to = request.to === undefined ? Infinity : parseBarTime(request.to);
      return sourceBars.filter((b) => parseBarTime(b.time) >= from && parseBarTime(b.time) <= to);
    },
  };
  const controller = new AbortController();
  const ledger: BarLedger = createBarLedger({
    async storeBars(_symbol, bars) {
      if (failStores-- > 0) throw new Error("database away");
      for (const b of bars) store.set(b.time, b);
    },
    async lastStoredBarTime() {
      const times = [...store.keys()].sort();
      return times.at(-1) ?? null;
    },
    async onBarClosed(_symbol, b) {
      announced.push(b.time);
    },
    source,
    timeframe: "15m",
    exchangeOf: () => "HOSE",
    now: () => nowMs,
    initialBackfillMs: 86_400_000,
    retryBackoff: { baseMs: 1, maxMs: 5, jitter: 0 },
    random: () => 0,
    signal: controller.signal,
    onEvent: (event) => events.push(event),
  });
  return {
    ledger,
    store,
    announced,
    requests,
    events,
    setNow: (local: string) => {
      nowMs = parseBarTime(T(local));
    },
    setSource: (bars: StreamBar[]) => {
      sourceBars = bars;
    },
    stop: () => controller.abort(),
  };
}

describe("createBarLedger", () => {
  it("backfills after the stored watermark, skipping the provider's forming bar", async () => {
    const h = harness({
      stored: [bar("09:00"), bar("09:15")],
      source: [bar("09:00"), bar("09:15"), bar("09:30"), bar("09:45"), bar("10:00")],
      nowLocal: "10:05",
    });
    h.ledger.backfill("FPT");
    await h.ledger.idle();
    expect(h.requests).toEqual([{ from: T("09:15"), to: "2024-01-02T10:05:00+07:00" }]);
    expect(h.announced).toEqual([T("09:30"), T("09:45")]); // 10:00 has not ended at 10:05
    expect([...h.store.keys()].sort()).toEqual([T("09:00"), T("09:15"), T("09:30"), T("09:45")]);
    expect(h.ledger.lastBarTime("FPT")).toBe(T("09:45"));
  });

  it("commits live bars queued behind a backfill once, whichever path brought them first", async () => {
    const h = harness({ source: [bar("09:00"), bar("09:15"), bar("09:30")], nowLocal: "09:46" });
    let subscribe: () => void = () => {};
    h.ledger.backfill(
      "FPT",
      new Promise<void>((resolve) => {
        subscribe = resolve;
      }),
    );
    h.ledger.commit(closedBar("09:30")); // the stream delivers a bar the backfill also returns
    h.ledger.commit(closedBar("09:45"));
    h.ledger.commit(closedBar("09:45")); // and repeats one
    h.setNow("10:01");
    subscribe();
    await h.ledger.idle();
    expect(h.announced).toEqual([T("09:00"), T("09:15"), T("09:30"), T("09:45")]);
    expect(h.ledger.counters()).toMatchObject({ barsCommitted: 4, barsBackfilled: 3, duplicatesSkipped: 2 });
  });

  it("replaces an incomplete stream bar by the provider's copy", async () => {
    const h = harness({ stored: [bar("09:00")], source: [bar("09:15", 42)], nowLocal: "09:31" });
    h.ledger.commit(closedBar("09:15", false, 7));
    await h.ledger.idle();
    expect(h.store.get(T("09:15"))?.close).toBe(42);
    expect(h.announced).toEqual([T("09:15")]);
  });

  it("stores the incomplete stream bar when the provider does not have it yet, and says so", async () => {
    const h = harness({ stored: [bar("09:00")], source: [], nowLocal: "09:31" });
    h.ledger.commit(closedBar("09:15", false, 7));
    await h.ledger.idle();
    expect(h.store.get(T("09:15"))?.close).toBe(7);
    expect(h.events).toContainEqual({ type: "incomplete-bar-stored", symbol: "FPT", time: T("09:15") });
    expect(h.ledger.counters().incompleteBarsStored).toBe(1);
  });

  it("retries a failing store, then announces each bar once", async () => {
    const h = harness({ nowLocal: "09:31", failStores: 2 });
    h.ledger.commit(closedBar("09:00"));
    h.ledger.commit(closedBar("09:15"));
    await h.ledger.idle();
    expect(h.announced).toEqual([T("09:00"), T("09:15")]);
    expect(h.events.filter((e) => e.type === "retrying")).toHaveLength(2);
  });

  it("never re-announces what the store already had when a process restarts", async () => {
    const first = harness({ nowLocal: "09:31" });
    first.ledger.commit(closedBar("09:00"));
    first.ledger.commit(closedBar("09:15"));
    await first.ledger.idle();
    const second = harness({
      stored: [...first.store.values()],
      source: [bar("09:00"), bar("09:15")],
      nowLocal: "09:32",
    });
    second.ledger.backfill("FPT");
    second.ledger.commit(closedBar("09:15"));
    await second.ledger.idle();
    expect(second.announced).toEqual([]);
  });

  it("asks for the initial look-back when nothing is stored, and normalizes provider times", async () => {
    const h = harness({
      source: [{ ...bar("09:00"), time: "2024-01-02T02:00:00.000Z" }],
      nowLocal: "09:20",
    });
    h.ledger.backfill("FPT");
    await h.ledger.idle();
    expect(h.requests[0]?.from).toBe(formatBarTime(parseBarTime(T("09:20")) - 86_400_000));
    expect(h.announced).toEqual([T("09:00")]);
  });
});
