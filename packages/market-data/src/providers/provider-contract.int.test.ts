/**
 * The contract every HTTP provider passes, run against the loopback stand-in serving real VN30 bars
 * from the repository's fixture in the provider's own wire shape: exactly the server's bars, whatever
 * the feed does (no_data, 5xx bursts, time-outs, malformed and truncated JSON, duplicates), and the
 * resilience rules (no retry on 4xx, breaker, concurrency and rate limits).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  loadFixtureBars,
  type MarketDataStandIn,
  type StandInBar,
  startMarketDataStandIn,
} from "../../../../test-support/market-data-stand-in.ts";
import { createProvider } from "./create-provider.ts";
import { fetchBarsAfter } from "./fetch-bars-after.ts";
import type { ProviderName } from "./provider-names.ts";
import type { CircuitState, ProviderBar, ProviderOptions } from "./provider-types.ts";

const fixture = await loadFixtureBars(["VCB", "FPT", "SSB"]);
const vcb = fixture.get("VCB")!;
const fpt = fixture.get("FPT")!;
const ssb = fixture.get("SSB")!;

// A messy feed: VCB's first 10 days sent out of order, one day twice with a corrected close.
const messy: StandInBar[] = [...vcb.slice(5, 10), ...vcb.slice(0, 5)];
const corrected = { ...vcb[3]!, close: vcb[3]!.low };
messy.push(corrected);

const isConsistent = (bar: StandInBar): boolean =>
  bar.low <= bar.high &&
  bar.open >= bar.low &&
  bar.open <= bar.high &&
  bar.close >= bar.low &&
  bar.close <= bar.high;

function within(bars: readonly StandInBar[], from: string, to: string): StandInBar[] {
  return bars.filter((bar) => bar.time >= from && bar.time <= to);
}

/**
 * Vietcap sends integer-ish VND, so the binary noise some fixture values carry
 * (18.410999999999998 thousand) comes back as 18.411: compare at 7 decimals (0.0001 VND).
 */
function expected(kind: ProviderName, bars: readonly StandInBar[]): ProviderBar[] {
  if (kind === "udf") return bars.map((bar) => ({ ...bar }));
  const round = (value: number): number => Math.round(value * 1e7) / 1e7;
  return bars.map((bar) => ({
    time: bar.time,
    open: round(bar.open),
    high: round(bar.high),
    low: round(bar.low),
    close: round(bar.close),
    volume: bar.volume,
  }));
}

describe.each(["udf", "vietcap"] as const)("%s provider against the stand-in", (kind) => {
  let server: MarketDataStandIn;
  const states: CircuitState[] = [];
  const attempts: string[] = [];
  const invalid: Array<{ symbol: string; reason: string }> = [];

  beforeAll(async () => {
    server = await startMarketDataStandIn({
      bars: new Map([
        ["VCB", vcb],
        ["FPT", fpt],
        ["SSB", ssb],
        ["MESSY", messy],
      ]),
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.clearFaults();
    server.resetStats();
    states.length = 0;
    attempts.length = 0;
    invalid.length = 0;
  });

  const make = (overrides: Partial<ProviderOptions> = {}) =>
    createProvider(kind, {
      baseUrl: server.baseUrl,
      timeoutMs: 1_000,
      retries: 4,
      backoff: { baseMs: 5, maxMs: 20, jitter: 0.5 },
      breaker: { failureThreshold: 3, openMs: 200 },
      maxConcurrent: 4,
      requestsPerSecond: 1_000,
      pageSize: 200,
      hooks: {
        onCircuitStateChange: (_provider, state) => states.push(state),
        onRequest: (_provider, outcome) => attempts.push(outcome),
        onInvalidBar: (_provider, symbol, reason) => invalid.push({ symbol, reason }),
      },
      ...overrides,
    });

  it("returns exactly the server's bars of a range", async () => {
    const bars = await make().fetchBars({
      symbol: "VCB",
      timeframe: "1D",
      from: "2019-01-01",
      to: "2020-12-31",
    });
    expect(bars).toEqual(expected(kind, within(vcb, "2019-01-01", "2020-12-31")));
    expect(bars.length).toBeGreaterThan(480);
    if (kind === "vietcap") expect(server.requests.length).toBeGreaterThan(2); // paged
  });

  it("drops and reports the real inconsistent rows, keeping every other bar", async () => {
    const bars = await make().fetchBars({
      symbol: "FPT",
      timeframe: "1D",
      from: "2010-01-01",
      to: "2025-12-31",
    });
    const consistent = fpt.filter(isConsistent);
    expect(fpt.length - consistent.length).toBe(5);
    expect(bars).toEqual(expected(kind, consistent));
    expect(invalid).toHaveLength(5);
    expect(new Set(invalid.map((entry) => entry.reason))).toEqual(
      new Set(["close-outside-range", "open-outside-range"]),
    );
  });

  it("a symbol whose history starts inside the range gives all of it", async () => {
    const bars = await make().fetchBars({
      symbol: "SSB",
      timeframe: "1D",
      from: "2018-01-01",
      to: "2021-12-31",
    });
    expect(bars).toEqual(expected(kind, ssb));
  });

  it("sorts and deduplicates a messy feed, keeping the last copy of a repeated day", async () => {
    const bars = await make().fetchBars({
      symbol: "MESSY",
      timeframe: "1D",
      from: "2018-01-01",
      to: "2018-12-31",
    });
    const want = vcb.slice(0, 10).map((bar) => (bar.time === corrected.time ? corrected : bar));
    expect(bars).toEqual(expected(kind, want));
    expect(invalid).toEqual([{ symbol: "MESSY", reason: "duplicate-time" }]);
  });

  it("no_data and empty ranges give no bars", async () => {
    const provider = make();
    expect(
      await provider.fetchBars({ symbol: "VCB", timeframe: "1D", from: "2022-01-01", to: "2022-03-31" }),
    ).toEqual([]);
    expect(
      await provider.fetchBars({ symbol: "NOPE", timeframe: "1D", from: "2020-01-01", to: "2020-03-31" }),
    ).toEqual([]);
    server.noDataFor("VCB");
    expect(
      await provider.fetchBars({ symbol: "VCB", timeframe: "1D", from: "2020-01-01", to: "2020-03-31" }),
    ).toEqual([]);
  });

  it("a burst of 5xx followed by success still gives exactly the bars", async () => {
    server.failNext(2, 503);
    server.failNext(1, 500);
    server.failNext(1, 502);
    const bars = await make().fetchBars({
      symbol: "VCB",
      timeframe: "1D",
      from: "2020-01-01",
      to: "2020-06-30",
    });
    expect(bars).toEqual(expected(kind, within(vcb, "2020-01-01", "2020-06-30")));
    expect(server.requests.filter((request) => request.fault !== undefined)).toHaveLength(4);
    expect(attempts.slice(0, 5)).toEqual(["retry", "retry", "retry", "retry", "ok"]);
  });

  it("honours Retry-After on 429", async () => {
    server.failNext(1, 429, 1);
    const bars = await make().fetchBars({
      symbol: "VCB",
      timeframe: "1D",
      from: "2020-01-01",
      to: "2020-01-31",
    });
    expect(bars).toEqual(expected(kind, within(vcb, "2020-01-01", "2020-01-31")));
    const [first, second] = server.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("retries a response slower than the time-out", async () => {
    server.slowNext(1, 800);
    const started = Date.now();
    const bars = await make({ timeoutMs: 150 }).fetchBars({
      symbol: "VCB",
      timeframe: "1D",
      from: "2020-01-01",
      to: "2020-03-31",
    });
    expect(bars).toEqual(expected(kind, within(vcb, "2020-01-01", "2020-03-31")));
    expect(Date.now() - started).toBeLessThan(700);
    expect(attempts[0]).toBe("retry");
  });

  it("retries truncated, garbage and inconsistent bodies", async () => {
    server.malformNext(1, "truncated");
    server.malformNext(1, "garbage");
    server.malformNext(1, "mismatched");
    const bars = await make().fetchBars({
      symbol: "VCB",
      timeframe: "1D",
      from: "2020-01-01",
      to: "2020-12-31",
    });
    expect(bars).toEqual(expected(kind, within(vcb, "2020-01-01", "2020-12-31")));
    expect(server.requests.filter((request) => request.fault !== undefined)).toHaveLength(3);
  });

  it("reports a persistently malformed answer as PROVIDER_BAD_RESPONSE after the retries", async () => {
    server.malformNext(10, "truncated");
    await expect(
      make({ retries: 2 }).fetchBars({
        symbol: "VCB",
        timeframe: "1D",
        from: "2020-01-01",
        to: "2020-01-31",
      }),
    ).rejects.toMatchObject({ name: "ProviderError", code: "PROVIDER_BAD_RESPONSE", provider: kind });
    expect(server.requests).toHaveLength(3);
    expect(attempts).toEqual(["retry", "retry", "failed"]);
  });

  it("does not retry 404 or 400", async () => {
    for (const status of [404, 400]) {
      server.resetStats();
      server.failNext(1, status);
      await expect(
        make().fetchBars({ symbol: "VCB", timeframe: "1D", from: "2020-01-01", to: "2020-01-31" }),
      ).rejects.toMatchObject({ code: "PROVIDER_REQUEST_REJECTED", status });
      expect(server.requests).toHaveLength(1);
    }
  });

  it("opens the breaker after the threshold, fails fast, goes half-open and closes on success", async () => {
    const provider = make({ retries: 1, breaker: { failureThreshold: 2, openMs: 200 } });
    const request = { symbol: "VCB", timeframe: "1D", from: "2020-01-01", to: "2020-01-31" } as const;
    server.failNext(4, 503);
    for (let index = 0; index < 2; index++) {
      await expect(provider.fetchBars(request)).rejects.toMatchObject({
        code: "PROVIDER_UNAVAILABLE",
        status: 503,
      });
    }
    expect(states).toEqual(["open"]);
    expect(provider.circuitState()).toBe("open");
    expect(server.requests).toHaveLength(4);

    await expect(provider.fetchBars(request)).rejects.toMatchObject({ code: "PROVIDER_CIRCUIT_OPEN" });
    expect(server.requests).toHaveLength(4); // failed fast: the server saw nothing

    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(provider.circuitState()).toBe("half-open");
    const bars = await provider.fetchBars(request);
    expect(bars).toEqual(expected(kind, within(vcb, "2020-01-01", "2020-01-31")));
    expect(provider.circuitState()).toBe("closed");
    expect(states).toEqual(["open", "half-open", "closed"]);
  });

  it("a failed half-open trial is a single attempt and opens the breaker again", async () => {
    const provider = make({ retries: 3, breaker: { failureThreshold: 1, openMs: 150 } });
    const request = { symbol: "VCB", timeframe: "1D", from: "2020-01-01", to: "2020-01-31" } as const;
    server.failNext(4, 503);
    await expect(provider.fetchBars(request)).rejects.toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(server.requests).toHaveLength(4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.failNext(5, 503);
    await expect(provider.fetchBars(request)).rejects.toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(server.requests).toHaveLength(5); // one trial attempt, no retries
    expect(states).toEqual(["open", "half-open", "open"]);
    await expect(provider.fetchBars(request)).rejects.toMatchObject({ code: "PROVIDER_CIRCUIT_OPEN" });
  });

  it("a retry is dropped once another request has opened the breaker", async () => {
    const provider = make({
      retries: 2,
      backoff: { baseMs: 100, maxMs: 100, jitter: 0 },
      breaker: { failureThreshold: 1, openMs: 5_000 },
    });
    const request = { symbol: "VCB", timeframe: "1D", from: "2020-01-01", to: "2020-01-31" } as const;
    server.failNext(10, 503);
    // A fails at t=0, 100, 200 (opens the breaker); B at t=50, 150, then finds it open at t=250.
    const first = provider.fetchBars(request);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = provider.fetchBars(request);
    await expect(first).rejects.toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    await expect(second).rejects.toMatchObject({ code: "PROVIDER_CIRCUIT_OPEN" });
    expect(server.requests).toHaveLength(5);
  });

  it("does not wait for a Retry-After longer than maxRetryAfterMs", async () => {
    server.failNext(1, 429, 120);
    await expect(
      make().fetchBars({ symbol: "VCB", timeframe: "1D", from: "2020-01-01", to: "2020-01-31" }),
    ).rejects.toMatchObject({ code: "PROVIDER_UNAVAILABLE", status: 429, retryAfterMs: 120_000 });
    expect(server.requests).toHaveLength(1);
  });

  it("keeps at most maxConcurrent requests in flight", async () => {
    const provider = make({ maxConcurrent: 2 });
    server.slowNext(6, 80);
    const months = ["01", "02", "03", "04", "05", "06"];
    const results = await Promise.all(
      months.map((month) =>
        provider.fetchBars({
          symbol: "VCB",
          timeframe: "1D",
          from: `2020-${month}-01`,
          to: `2020-${month}-28`,
        }),
      ),
    );
    expect(server.maxInFlight()).toBe(2);
    results.forEach((bars, index) => {
      const month = months[index]!;
      expect(bars).toEqual(expected(kind, within(vcb, `2020-${month}-01`, `2020-${month}-28`)));
    });
  });

  it("spaces request starts by the rate limit", async () => {
    const provider = make({ requestsPerSecond: 10 });
    await Promise.all(
      ["01", "02", "03", "04", "05"].map((month) =>
        provider.fetchBars({
          symbol: "VCB",
          timeframe: "1D",
          from: `2020-${month}-01`,
          to: `2020-${month}-28`,
        }),
      ),
    );
    const arrivals = server.requests.map((request) => request.receivedAt).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(5);
    for (let index = 1; index < arrivals.length; index++) {
      expect(arrivals[index]! - arrivals[index - 1]!).toBeGreaterThanOrEqual(85);
    }
  });

  it("an aborted call stops at once without retrying", async () => {
    server.slowNext(1, 2_000);
    const controller = new AbortController();
    const call = make().fetchBars(
      { symbol: "VCB", timeframe: "1D", from: "2020-01-01", to: "2020-01-31" },
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error("shutting down")), 50);
    await expect(call).rejects.toThrow("shutting down");
    expect(server.requests).toHaveLength(1);
  });

  it("fetches only the bars after the newest stored one", async () => {
    const bars = await fetchBarsAfter(make(), {
      symbol: "VCB",
      timeframe: "1D",
      after: "2021-06-30",
      to: "2021-12-31",
    });
    expect(bars).toEqual(
      expected(
        kind,
        vcb.filter((bar) => bar.time > "2021-06-30"),
      ),
    );
    expect(bars[0]!.time).toBe("2021-07-01");
    expect(server.requests).toHaveLength(1);
  });
});
