import { DERIVATIVES_SESSIONS, market } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { type BarAggregator, createBarAggregator } from "./bar-aggregator.ts";
import type { BarUpdateEvent, TickEvent } from "./stream-event.ts";

const at = (local: string) => Date.parse(`2024-01-02T${local}+07:00`); // a Tuesday

function tick(local: string, price: number, volume = 1, symbol = "VN30F1M"): TickEvent {
  return { kind: "tick", symbol, timeMs: at(local), price, volume };
}

function barUpdate(local: string, values: Partial<BarUpdateEvent> = {}): BarUpdateEvent {
  return {
    kind: "bar",
    symbol: "VN30F1M",
    timeMs: at(local),
    timeframeMinutes: 15,
    open: 10,
    high: 12,
    low: 9,
    close: 11,
    volume: 100,
    closed: true,
    ...values,
  };
}

function aggregator15m(closeGraceMs = 0): BarAggregator {
  return createBarAggregator({ timeframe: "15m", exchangeOf: () => "HNX", closeGraceMs });
}

describe("createBarAggregator with ticks", () => {
  it("builds OHLCV from ticks and closes the bar when a tick of a later bucket arrives", () => {
    const aggregator = aggregator15m();
    expect(aggregator.add(tick("09:00:01", 100, 2)).closed).toEqual([]);
    aggregator.add(tick("09:05:00", 103, 3));
    aggregator.add(tick("09:10:00", 99, 1));
    aggregator.add(tick("09:14:59", 101, 4));
    const result = aggregator.add(tick("09:15:00", 102, 5));
    expect(result.outcome).toBe("accepted");
    expect(result.closed).toEqual([
      {
        symbol: "VN30F1M",
        bar: { time: "2024-01-02T09:00:00+07:00", open: 100, high: 103, low: 99, close: 101, volume: 10 },
        startMs: at("09:00:00"),
        endMs: at("09:15:00"),
        complete: true,
      },
    ]);
    expect(aggregator.forming("VN30F1M")).toEqual({
      time: "2024-01-02T09:15:00+07:00",
      open: 102,
      high: 102,
      low: 102,
      close: 102,
      volume: 5,
    });
  });

  it("closes a bar on flush once its end (plus the grace) has passed, not before", () => {
    const aggregator = aggregator15m(2_000);
    aggregator.add(tick("09:16:00", 100));
    expect(aggregator.flush(at("09:29:59"))).toEqual([]);
    expect(aggregator.flush(at("09:30:01"))).toEqual([]); // within the grace
    const closed = aggregator.flush(at("09:30:02"));
    expect(closed.map((c) => c.bar.time)).toEqual(["2024-01-02T09:15:00+07:00"]);
    expect(aggregator.flush(at("10:00:00"))).toEqual([]); // nothing forming: nothing produced
  });

  it("ends the morning's last bar at 11:30 and starts the afternoon at 13:00", () => {
    const aggregator = createBarAggregator({ timeframe: "1h", exchangeOf: () => "HOSE" });
    aggregator.add(tick("11:10:00", 100));
    aggregator.add(tick("11:29:59", 101));
    const closed = aggregator.flush(at("11:30:00"));
    expect(closed).toHaveLength(1);
    expect(closed[0]?.bar.time).toBe("2024-01-02T11:00:00+07:00");
    expect(closed[0]?.endMs).toBe(at("11:30:00"));
    expect(aggregator.add(tick("12:15:00", 102)).outcome).toBe("outside-session");
    aggregator.add(tick("13:00:00", 103));
    expect(aggregator.forming("VN30F1M")?.time).toBe("2024-01-02T13:00:00+07:00");
  });

  it("produces nothing outside sessions and ends the day with the last block", () => {
    const aggregator = createBarAggregator({ timeframe: "15m", exchangeOf: () => "HOSE" });
    expect(aggregator.add(tick("08:59:59", 100)).outcome).toBe("outside-session");
    expect(aggregator.add(tick("14:50:00", 100)).outcome).toBe("outside-session"); // put-through
    aggregator.add(tick("14:44:00", 100));
    expect(aggregator.flush(at("14:45:00")).map((c) => c.bar.time)).toEqual(["2024-01-02T14:30:00+07:00"]);
    expect(aggregator.add(tick("15:10:00", 100)).outcome).toBe("outside-session");
    expect(aggregator.flush(at("23:00:00"))).toEqual([]);
  });

  it("orders ticks within the bar by time, whatever their arrival order", () => {
    const aggregator = aggregator15m();
    aggregator.add(tick("09:10:00", 105));
    aggregator.add(tick("09:01:00", 100)); // earlier print arriving late: it is the open
    aggregator.add(tick("09:05:00", 110));
    expect(aggregator.forming("VN30F1M")).toMatchObject({ open: 100, close: 105, high: 110, low: 100 });
  });

  it("ignores ticks of a bar already closed (late) and of older buckets", () => {
    const aggregator = aggregator15m();
    aggregator.add(tick("09:01:00", 100));
    aggregator.add(tick("09:16:00", 101)); // closes 09:00
    expect(aggregator.add(tick("09:14:00", 50, 1000)).outcome).toBe("late");
    aggregator.flush(at("09:30:00")); // closes 09:15
    expect(aggregator.add(tick("09:20:00", 50)).outcome).toBe("late");
    expect(aggregator.forming("VN30F1M")).toBeNull();
  });

  it("keeps symbols apart", () => {
    const aggregator = aggregator15m();
    aggregator.add(tick("09:01:00", 100, 1, "AAA"));
    aggregator.add(tick("09:02:00", 200, 1, "BBB"));
    const closed = aggregator.add(tick("09:16:00", 101, 1, "AAA")).closed;
    expect(closed.map((c) => [c.symbol, c.bar.close])).toEqual([["AAA", 100]]);
    expect(aggregator.forming("BBB")?.close).toBe(200);
  });

  it("marks a tick bar that began before the subscription, or spans a disconnect, incomplete", () => {
    const aggregator = aggregator15m();
    aggregator.markDisconnected();
    aggregator.markConnected(at("09:07:00"));
    aggregator.add(tick("09:08:00", 100));
    aggregator.add(tick("09:16:00", 100));
    aggregator.add(tick("09:31:00", 100)); // 09:30 starts after the subscription: seen whole
    const closed = aggregator.flush(at("10:00:00"));
    expect(closed.map((c) => c.complete)).toEqual([true]);
    const first = createBarAggregator({ timeframe: "15m", exchangeOf: () => "HNX" });
    first.markDisconnected();
    first.markConnected(at("09:07:00"));
    expect(first.add(tick("09:08:00", 100)).closed).toEqual([]);
    expect(first.add(tick("09:16:00", 100)).closed[0]?.complete).toBe(false);
    first.markDisconnected();
    expect(first.flush(at("09:31:00"))[0]?.complete).toBe(false); // forming during the disconnect
  });
});

describe("createBarAggregator with bar messages", () => {
  it("passes a closed bar of the stream's timeframe through, even outside the session table", () => {
    const aggregator = aggregator15m();
    const closed = aggregator.add(barUpdate("11:30:00", { volume: 51 })).closed;
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ complete: true, endMs: at("11:45:00") });
    expect(closed[0]?.bar).toEqual({
      time: "2024-01-02T11:30:00+07:00",
      open: 10,
      high: 12,
      low: 9,
      close: 11,
      volume: 51,
    });
  });

  it("is idempotent for repeated closed bar messages", () => {
    const aggregator = aggregator15m();
    expect(aggregator.add(barUpdate("09:00:00")).closed).toHaveLength(1);
    expect(aggregator.add(barUpdate("09:00:00"))).toEqual({ outcome: "late", closed: [] });
    expect(aggregator.add(barUpdate("09:00:00", { close: 99 }))).toEqual({ outcome: "late", closed: [] });
  });

  it("replaces a forming bar's snapshot by the next one and closes it on the next bar or the flush", () => {
    const aggregator = aggregator15m();
    aggregator.add(barUpdate("09:00:00", { closed: false, close: 10.5, volume: 10 }));
    aggregator.add(barUpdate("09:00:00", { closed: false, close: 11.5, volume: 40 }));
    aggregator.add(barUpdate("09:00:00", { closed: false, close: 11.5, volume: 40 })); // duplicate
    expect(aggregator.forming("VN30F1M")).toMatchObject({ close: 11.5, volume: 40 });
    const closed = aggregator.add(barUpdate("09:15:00", { closed: false })).closed;
    expect(closed.map((c) => [c.bar.time, c.bar.volume, c.complete])).toEqual([
      ["2024-01-02T09:00:00+07:00", 40, true],
    ]);
    expect(aggregator.flush(at("09:30:00")).map((c) => c.bar.time)).toEqual(["2024-01-02T09:15:00+07:00"]);
  });

  it("treats a snapshot bar whose last update predates a disconnect as incomplete until updated", () => {
    const aggregator = aggregator15m();
    aggregator.add(barUpdate("09:00:00", { closed: false }));
    aggregator.markDisconnected();
    aggregator.markConnected(at("09:10:00"));
    expect(aggregator.flush(at("09:15:00"))[0]?.complete).toBe(false);
    aggregator.add(barUpdate("09:15:00", { closed: false }));
    aggregator.markDisconnected();
    aggregator.markConnected(at("09:20:00"));
    aggregator.add(barUpdate("09:15:00", { closed: false, close: 12 })); // whole state again
    expect(aggregator.flush(at("09:30:00"))[0]?.complete).toBe(true);
  });

  it("merges shorter bars (SSI one-minute snapshots) into the session bucket", () => {
    const aggregator = aggregator15m();
    const minute = (local: string, o: number, h: number, l: number, c: number, v: number): BarUpdateEvent =>
      barUpdate(local, { timeframeMinutes: 1, open: o, high: h, low: l, close: c, volume: v, closed: false });
    aggregator.add(minute("09:00:00", 10, 11, 10, 11, 5));
    aggregator.add(minute("09:00:00", 10, 12, 10, 12, 8)); // a later snapshot of the same minute
    aggregator.add(minute("09:01:00", 12, 12, 8, 9, 3));
    expect(aggregator.forming("VN30F1M")).toEqual({
      time: "2024-01-02T09:00:00+07:00",
      open: 10,
      high: 12,
      low: 8,
      close: 9,
      volume: 11,
    });
    expect(aggregator.add(minute("12:00:00", 1, 1, 1, 1, 1)).outcome).toBe("outside-session");
  });

  it("rejects bars longer than the stream's timeframe", () => {
    const aggregator = aggregator15m();
    expect(aggregator.add(barUpdate("09:00:00", { timeframeMinutes: 60 })).outcome).toBe(
      "unsupported-timeframe",
    );
  });
});

describe("createBarAggregator with per-symbol sessions", () => {
  const derivatives = {
    sessions: {
      HOSE: market.DEFAULT_TRADING_SESSIONS.HOSE,
      HNX: DERIVATIVES_SESSIONS,
      UPCOM: market.DEFAULT_TRADING_SESSIONS.UPCOM,
    },
  };

  it("buckets a VN30 future's opening auction (08:45) on the derivatives' hours, and a stock's not", () => {
    const aggregator = createBarAggregator({
      timeframe: "15m",
      exchangeOf: () => "HNX",
      marketClock: (symbol) => (symbol.startsWith("VN30F") ? derivatives : undefined),
    });
    expect(aggregator.add(tick("08:50:00", 1100, 7)).outcome).toBe("accepted");
    expect(aggregator.forming("VN30F1M")?.time).toBe("2024-01-02T08:45:00+07:00");
    expect(aggregator.add(tick("08:50:00", 25, 100, "SHS")).outcome).toBe("outside-session");
    // The futures' ATC ends at 14:45: no bucket after it (HNX's PLO would have one).
    expect(aggregator.add(tick("14:50:00", 1101, 1)).outcome).toBe("outside-session");
  });
});
