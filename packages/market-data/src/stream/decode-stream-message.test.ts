import { describe, expect, it } from "vitest";
import { decodeStreamMessage } from "./decode-stream-message.ts";
import { InvalidStreamMessageError } from "./invalid-stream-message-error.ts";

const received = Date.parse("2024-01-02T14:28:34+07:00");

describe("decodeStreamMessage, JSON format", () => {
  it("decodes a tick", () => {
    const text =
      '{"type":"tick","symbol":"vn30f1m","time":"2024-01-02T09:15:03+07:00","price":1130.5,"volume":12}';
    expect(decodeStreamMessage(text, received)).toEqual({
      kind: "tick",
      symbol: "VN30F1M",
      timeMs: Date.parse("2024-01-02T02:15:03Z"),
      price: 1130.5,
      volume: 12,
    });
  });

  it("decodes closed and partial bars; a bar without `closed` is closed", () => {
    const bar = {
      type: "bar",
      symbol: "VN30F1M",
      timeframe: "15m",
      time: "2024-01-02T09:15:00+07:00",
      open: 1130,
      high: 1132,
      low: 1129.5,
      close: 1131,
      volume: 4000,
    };
    expect(decodeStreamMessage(JSON.stringify({ ...bar, closed: false }), received)).toEqual({
      kind: "bar",
      symbol: "VN30F1M",
      timeMs: Date.parse("2024-01-02T02:15:00Z"),
      timeframeMinutes: 15,
      open: 1130,
      high: 1132,
      low: 1129.5,
      close: 1131,
      volume: 4000,
      closed: false,
    });
    expect(decodeStreamMessage(JSON.stringify(bar), received)).toMatchObject({ closed: true });
  });

  it("reads a time without an offset as Vietnam local time", () => {
    const text = '{"type":"tick","symbol":"FPT","time":"2024-01-02 09:15:03","price":95.1,"volume":100}';
    expect(decodeStreamMessage(text, received)).toMatchObject({ timeMs: Date.parse("2024-01-02T02:15:03Z") });
  });

  it("decodes the subscription acknowledgement, server errors and heartbeats", () => {
    expect(decodeStreamMessage('{"type":"subscribed","symbols":["fpt"]}', received)).toEqual({
      kind: "subscribed",
      symbols: ["FPT"],
    });
    expect(decodeStreamMessage('{"type":"error","message":"unknown symbol"}', received)).toEqual({
      kind: "error",
      message: "unknown symbol",
    });
    expect(decodeStreamMessage('{"type":"heartbeat"}', received)).toMatchObject({ kind: "ignored" });
  });

  it.each([
    ["not JSON", "{"],
    ["an array", "[]"],
    ["an unknown type", '{"type":"quote"}'],
    [
      "a tick without a price",
      '{"type":"tick","symbol":"FPT","time":"2024-01-02T09:15:03+07:00","volume":1}',
    ],
    [
      "a negative volume",
      '{"type":"tick","symbol":"FPT","time":"2024-01-02T09:15:03+07:00","price":1,"volume":-1}',
    ],
    ["a bad time", '{"type":"tick","symbol":"FPT","time":"yesterday","price":1,"volume":1}'],
    [
      "an unknown timeframe",
      '{"type":"bar","symbol":"FPT","timeframe":"2h","time":"2024-01-02T09:00:00+07:00","open":1,"high":1,"low":1,"close":1,"volume":1}',
    ],
  ])("rejects %s with INVALID_STREAM_MESSAGE", (_what, text) => {
    expect(() => decodeStreamMessage(text, received)).toThrow(InvalidStreamMessageError);
    try {
      decodeStreamMessage(text, received);
    } catch (error) {
      expect((error as InvalidStreamMessageError).code).toBe("INVALID_STREAM_MESSAGE");
    }
  });
});

describe("decodeStreamMessage, the price checks of every bar (bar-validation/)", () => {
  const tick = { type: "tick", symbol: "FPT", time: "2024-01-02T09:15:03+07:00", price: 95.1, volume: 100 };
  const bar = {
    type: "bar",
    symbol: "FPT",
    timeframe: "15m",
    time: "2024-01-02T09:15:00+07:00",
    open: 95,
    high: 96,
    low: 94.5,
    close: 95.5,
    volume: 4000,
  };
  const messageOf = (text: string): string => {
    try {
      decodeStreamMessage(text, received);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidStreamMessageError);
      return (error as Error).message;
    }
    throw new Error(`accepted: ${text}`);
  };

  it("drops a bar or tick with an absurd price, naming the reason", () => {
    expect(messageOf(JSON.stringify({ ...bar, high: 1e300, close: 1e300 }))).toBe(
      "bar FPT 2024-01-02T09:15:00+07:00 dropped: price-out-of-range: high 1e+300 is outside the sane range 0.0001–10,000,000 thousand VND",
    );
    expect(messageOf(JSON.stringify({ ...tick, price: 1e300 }))).toContain("price-out-of-range");
    expect(messageOf(JSON.stringify({ ...tick, price: 1e-9 }))).toContain("price-out-of-range");
    expect(messageOf(JSON.stringify({ ...bar, high: 90 }))).toContain("high-below-low");
    expect(messageOf(JSON.stringify({ ...bar, volume: 0.5 }))).toContain("bad-volume");
    expect(
      messageOf('{"type":"tick","symbol":"FPT","time":"2024-01-02T09:15:03+07:00","price":1e400,"volume":1}'),
    ).toContain("price");
  });

  it("reads numbers sent as text in plain decimal notation only", () => {
    expect(decodeStreamMessage(JSON.stringify({ ...tick, price: "95.1" }), received)).toMatchObject({
      price: 95.1,
    });
    for (const price of ["0x10", "1e2", "Infinity", "NaN", ""])
      expect(messageOf(JSON.stringify({ ...tick, price }))).toContain("price");
  });

  it("never folds a symbol into ASCII: ﬁſh is not FISH", () => {
    expect(messageOf(JSON.stringify({ ...tick, symbol: "ﬁſh" }))).toBe(
      'field symbol "ﬁſh" is not a symbol (1–12 of A-Z 0-9)',
    );
    expect(messageOf(JSON.stringify({ ...bar, symbol: "ﬁſh" }))).toContain("is not a symbol");
  });

  it("checks SSI bars after the VND conversion", () => {
    const ssi = (content: Record<string, unknown>) =>
      JSON.stringify({
        DataType: "B",
        Content: JSON.stringify({
          RType: "B",
          Symbol: "SSI",
          TradingTime: "14:28:33",
          Open: 32500,
          High: 32600,
          Low: 32450,
          Close: 32550,
          Volume: 12300,
          ...content,
        }),
      });
    expect(messageOf(ssi({ High: 1e300, Close: 1e300 }))).toContain("price-out-of-range");
    expect(messageOf(ssi({ Symbol: "ﬁſh" }))).toContain("is not a symbol");
  });
});

describe("decodeStreamMessage, SSI adapter (vn-market.md §7)", () => {
  const content = {
    RType: "B",
    Symbol: "SSI",
    TradingTime: "14:28:33",
    Open: 32500,
    High: 32600,
    Low: 32450,
    Close: 32550,
    Volume: 12300,
  };

  it("turns a B message into a one-minute bar snapshot: receive date, VND → thousand VND", () => {
    const text = JSON.stringify({ DataType: "B", Content: JSON.stringify(content) });
    expect(decodeStreamMessage(text, received)).toEqual({
      kind: "bar",
      symbol: "SSI",
      timeMs: Date.parse("2024-01-02T14:28:00+07:00"),
      timeframeMinutes: 1,
      open: 32.5,
      high: 32.6,
      low: 32.45,
      close: 32.55,
      volume: 12300,
      closed: false,
    });
  });

  it("takes the date in Vietnam, not UTC (00:30 local is still the previous day in UTC)", () => {
    const text = JSON.stringify({ DataType: "B", Content: { ...content, TradingTime: "00:29:59" } });
    const receivedAt = Date.parse("2024-01-03T00:30:00+07:00"); // 2024-01-02T17:30:00Z
    expect(decodeStreamMessage(text, receivedAt)).toMatchObject({
      timeMs: Date.parse("2024-01-03T00:29:00+07:00"),
    });
  });

  it("ignores other data types and rejects a bad TradingTime", () => {
    expect(decodeStreamMessage('{"DataType":"X","Content":"{}"}', received)).toMatchObject({
      kind: "ignored",
    });
    const bad = JSON.stringify({
      DataType: "B",
      Content: JSON.stringify({ ...content, TradingTime: "2pm" }),
    });
    expect(() => decodeStreamMessage(bad, received)).toThrow(InvalidStreamMessageError);
  });
});
