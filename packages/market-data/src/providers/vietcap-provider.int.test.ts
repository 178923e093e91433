import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  loadFixtureBars,
  type MarketDataStandIn,
  type StandInBar,
  startMarketDataStandIn,
} from "../../../../test-support/market-data-stand-in.ts";
import type { ProviderBar } from "./provider-types.ts";
import { createVietcapProvider } from "./vietcap-provider.ts";

const vcb = (await loadFixtureBars(["VCB"])).get("VCB")!;

/** Vietcap sends VND: compare at 7 decimals of thousand VND (the fixture carries binary noise). */
const inThousandVnd = (bars: readonly StandInBar[]): ProviderBar[] =>
  bars.map((bar) => ({
    ...bar,
    open: Math.round(bar.open * 1e7) / 1e7,
    high: Math.round(bar.high * 1e7) / 1e7,
    low: Math.round(bar.low * 1e7) / 1e7,
    close: Math.round(bar.close * 1e7) / 1e7,
  }));

function intraday(daily: readonly StandInBar[], slots: readonly string[]): StandInBar[] {
  return daily.flatMap((day) => slots.map((slot) => ({ ...day, time: `${day.time}T${slot}:00+07:00` })));
}
const HOURS = ["09:00", "10:00", "11:00", "13:00", "14:00"];
const MINUTES = Array.from({ length: 120 }, (_, index) => {
  const minute = 9 * 60 + 15 + index;
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
});
const vcb1h = intraday(vcb.slice(0, 60), HOURS);
const vcb1m = intraday(vcb.slice(0, 5), MINUTES);

describe("Vietcap provider", () => {
  let server: MarketDataStandIn;
  let capped: MarketDataStandIn;
  beforeAll(async () => {
    const bars = (_symbol: string, timeframe: string) =>
      timeframe === "1h" ? vcb1h : timeframe === "1m" ? vcb1m : vcb;
    server = await startMarketDataStandIn({ bars });
    capped = await startMarketDataStandIn({ bars, vietcapMaxCountBack: 40, dailyStamp: "local-midnight" });
  });
  afterAll(async () => {
    await server.close();
    await capped.close();
  });
  beforeEach(() => {
    server.resetStats();
    capped.resetStats();
  });

  it("pages backwards with countBack until `from` is covered, without gaps or overlaps", async () => {
    const provider = createVietcapProvider({
      baseUrl: server.baseUrl,
      pageSize: 100,
      requestsPerSecond: 1_000,
    });
    const bars = await provider.fetchBars({
      symbol: "VCB",
      timeframe: "1D",
      from: "2018-01-01",
      to: "2021-12-31",
    });
    expect(bars).toEqual(inThousandVnd(vcb));
    const pages = server.requests;
    expect(pages.length).toBe(Math.ceil(vcb.length / 100) + 1); // the last page finds nothing older
    expect(pages.every((page) => page.shape === "vietcap" && page.countBack! <= 100)).toBe(true);
    for (let index = 1; index < pages.length; index++)
      expect(pages[index]!.to!).toBeLessThan(pages[index - 1]!.to!);
    expect(pages[0]!.to).toBe(Date.parse("2022-01-01T00:00:00+07:00") / 1000);
  });

  it("asks only as many bars as the range can hold, and stops once `from` is reached", async () => {
    const provider = createVietcapProvider({ baseUrl: server.baseUrl });
    const bars = await provider.fetchBars({
      symbol: "VCB",
      timeframe: "1D",
      from: "2020-03-02",
      to: "2020-03-13",
    });
    expect(bars).toEqual(
      inThousandVnd(vcb.filter((bar) => bar.time >= "2020-03-02" && bar.time <= "2020-03-13")),
    );
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.countBack).toBe(13);
  });

  it("a server capping countBack below the page size loses nothing (a short page is not the end)", async () => {
    const provider = createVietcapProvider({
      baseUrl: capped.baseUrl,
      pageSize: 500,
      requestsPerSecond: 1_000,
    });
    const bars = await provider.fetchBars({
      symbol: "VCB",
      timeframe: "1D",
      from: "2019-01-01",
      to: "2019-12-31",
    });
    expect(bars).toEqual(
      inThousandVnd(vcb.filter((bar) => bar.time >= "2019-01-01" && bar.time <= "2019-12-31")),
    );
    expect(capped.requests.length).toBeGreaterThan(6);
  });

  it("serves 1h and 1m from ONE_HOUR and ONE_MINUTE as +07:00 instants", async () => {
    const provider = createVietcapProvider({
      baseUrl: server.baseUrl,
      pageSize: 50,
      requestsPerSecond: 1_000,
    });
    const hours = await provider.fetchBars({
      symbol: "VCB",
      timeframe: "1h",
      from: vcb1h[7]!.time,
      to: vcb1h[250]!.time,
    });
    expect(hours).toEqual(inThousandVnd(vcb1h.slice(7, 251)));
    const minutes = await provider.fetchBars({
      symbol: "VCB",
      timeframe: "1m",
      from: vcb.slice(0, 5)[1]!.time,
      to: vcb[3]!.time,
    });
    expect(minutes).toEqual(inThousandVnd(vcb1m.slice(120, 480)));
    const frames = new Set(server.requests.map((request) => request.timeframe));
    expect(frames).toEqual(new Set(["1h", "1m"]));
  });

  it("rejects the timeframes gap-chart does not have, without asking", async () => {
    const provider = createVietcapProvider({ baseUrl: server.baseUrl });
    for (const timeframe of ["5m", "15m", "30m", "1W"] as const) {
      await expect(provider.fetchBars({ symbol: "VCB", timeframe })).rejects.toMatchObject({
        name: "ProviderError",
        code: "PROVIDER_UNSUPPORTED",
      });
    }
    expect(server.requests).toHaveLength(0);
  });
});
