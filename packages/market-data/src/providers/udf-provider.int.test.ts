import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadFixtureBars,
  type MarketDataStandIn,
  type StandInBar,
  startMarketDataStandIn,
} from "../../../../test-support/market-data-stand-in.ts";
import { createUdfProvider } from "./udf-provider.ts";

const vcb = (await loadFixtureBars(["VCB"])).get("VCB")!;

/** 15-minute bars built from daily ones (one per quarter hour of the morning session). */
function quarterHours(daily: readonly StandInBar[]): StandInBar[] {
  const slots = ["09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00", "11:15"];
  return daily.flatMap((day) =>
    slots.map((slot) => ({
      ...day,
      time: `${day.time}T${slot}:00+07:00`,
      volume: Math.round(day.volume / 9),
    })),
  );
}
const vcb15m = quarterHours(vcb.slice(0, 40));

describe("UDF provider", () => {
  let server: MarketDataStandIn;
  let localMidnightServer: MarketDataStandIn;
  beforeAll(async () => {
    const bars = (_symbol: string, timeframe: string) => (timeframe === "15m" ? vcb15m : vcb);
    server = await startMarketDataStandIn({ bars });
    localMidnightServer = await startMarketDataStandIn({ bars, dailyStamp: "local-midnight" });
  });
  afterAll(async () => {
    await server.close();
    await localMidnightServer.close();
  });

  it("asks GET /history with the UDF resolution and a window of whole local days", async () => {
    server.resetStats();
    const provider = createUdfProvider({ baseUrl: `${server.baseUrl}/dchart/` });
    await provider.fetchBars({ symbol: "VCB", timeframe: "1D", from: "2020-01-02", to: "2020-01-31" });
    await provider.fetchBars({ symbol: "VCB", timeframe: "1W", from: "2020-01-02", to: "2020-01-31" });
    expect(server.requests.map((request) => request.url)).toEqual([
      `/dchart/history?symbol=VCB&resolution=D&from=${Date.parse("2020-01-02T00:00:00+07:00") / 1000}&to=${Date.parse("2020-02-01T00:00:00+07:00") / 1000 - 1}`,
      `/dchart/history?symbol=VCB&resolution=W&from=${Date.parse("2020-01-02T00:00:00+07:00") / 1000}&to=${Date.parse("2020-02-01T00:00:00+07:00") / 1000 - 1}`,
    ]);
  });

  it("daily bars stamped at local midnight map to the same dates as bars stamped at 00:00 UTC", async () => {
    const range = { symbol: "VCB", timeframe: "1D", from: "2020-01-02", to: "2020-12-31" } as const;
    const utc = await createUdfProvider({ baseUrl: server.baseUrl }).fetchBars(range);
    const local = await createUdfProvider({ baseUrl: localMidnightServer.baseUrl }).fetchBars(range);
    expect(local).toEqual(utc);
    expect(utc).toEqual(vcb.filter((bar) => bar.time >= "2020-01-02" && bar.time <= "2020-12-31"));
  });

  it("intraday bars come back as +07:00 instants, both range ends included", async () => {
    const from = vcb15m[12]!.time;
    const to = vcb15m[30]!.time;
    const bars = await createUdfProvider({ baseUrl: server.baseUrl }).fetchBars({
      symbol: "VCB",
      timeframe: "15m",
      from,
      to,
    });
    expect(bars).toEqual(vcb15m.slice(12, 31));
    expect(bars[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+07:00$/);
  });

  it("rejects a malformed request before any HTTP", async () => {
    server.resetStats();
    const provider = createUdfProvider({ baseUrl: server.baseUrl });
    await expect(provider.fetchBars({ symbol: "vcb; drop", timeframe: "1D" })).rejects.toMatchObject({
      code: "PROVIDER_INVALID_REQUEST",
    });
    await expect(
      provider.fetchBars({ symbol: "VCB", timeframe: "1D", from: "2020-02-01", to: "2020-01-01" }),
    ).rejects.toMatchObject({ code: "PROVIDER_INVALID_REQUEST" });
    expect(server.requests).toHaveLength(0);
  });
});
