import { describe, expect, it } from "vitest";
import { normalizeProviderBars, type RawProviderRow } from "./normalize-provider-bars.ts";
import { resolveRequestRange } from "./provider-time.ts";

const range = resolveRequestRange(
  { symbol: "VCB", timeframe: "1D", from: "2024-01-02", to: "2024-01-31" },
  0,
  "t",
);
const row = (time: string | null, close = 10, extra: Partial<RawProviderRow> = {}): RawProviderRow => ({
  time,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 100,
  ...extra,
});

function normalize(rows: RawProviderRow[]) {
  const reports: string[] = [];
  const bars = normalizeProviderBars(rows, range, (reason) => reports.push(reason));
  return { bars, reports };
}

describe("normalizeProviderBars", () => {
  it("sorts oldest first", () => {
    const { bars } = normalize([row("2024-01-04"), row("2024-01-02"), row("2024-01-03")]);
    expect(bars.map((bar) => bar.time)).toEqual(["2024-01-02", "2024-01-03", "2024-01-04"]);
  });

  it("keeps the last copy of a repeated time and reports the dropped one", () => {
    const { bars, reports } = normalize([
      row("2024-01-02", 10),
      row("2024-01-03", 11),
      row("2024-01-02", 12),
    ]);
    expect(bars.map((bar) => [bar.time, bar.close])).toEqual([
      ["2024-01-02", 12],
      ["2024-01-03", 11],
    ]);
    expect(reports).toEqual(["duplicate-time"]);
  });

  it("drops and reports each invalid row by the importer's rules; zero volume is valid", () => {
    const { bars, reports } = normalize([
      row(null),
      row("2024-01-03", 10, { high: Number.NaN }),
      row("2024-01-04", 10, { low: 0 }),
      row("2024-01-05", 10, { volume: -1 }),
      row("2024-01-08", 10, { high: 8, low: 9 }),
      row("2024-01-09", 10, { open: 12 }),
      row("2024-01-10", 10, { close: 12 }),
      row("2024-01-11", 10, { volume: 0 }),
    ]);
    expect(reports).toEqual([
      "bad-date",
      "not-a-number",
      "non-positive-price",
      "negative-volume",
      "high-below-low",
      "open-outside-range",
      "close-outside-range",
    ]);
    expect(bars.map((bar) => bar.time)).toEqual(["2024-01-11"]);
  });

  it("drops a non-finite or absurd price, and a fractional volume, with the reason", () => {
    const reports: string[] = [];
    const bars = normalizeProviderBars(
      [
        row("2024-01-02", 10, { high: 1e300, close: 1e300 }),
        row("2024-01-03", 10, { high: Number.POSITIVE_INFINITY }),
        row("2024-01-04", 10, { low: 1e-9 }),
        row("2024-01-05", 10, { volume: 10.5 }),
        row("2024-01-08", 10),
      ],
      range,
      (reason, detail) => reports.push(`${reason}: ${detail}`),
    );
    expect(reports).toEqual([
      "price-out-of-range: high 1e+300 is outside the sane range 0.0001–10,000,000 thousand VND at 2024-01-02",
      "price-out-of-range: high Infinity is outside the sane range 0.0001–10,000,000 thousand VND at 2024-01-03",
      "price-out-of-range: low 1e-9 is outside the sane range 0.0001–10,000,000 thousand VND at 2024-01-04",
      "bad-volume: volume 10.5 is not a whole number of shares up to 2^53 at 2024-01-05",
    ]);
    expect(bars.map((bar) => bar.time)).toEqual(["2024-01-08"]);
  });

  it("drops a bar 100× or more away from the previous bar of the response (in time order)", () => {
    const reports: string[] = [];
    const bars = normalizeProviderBars(
      [
        row("2024-01-03", 10_200),
        row("2024-01-02", 10),
        row("2024-01-04", 10.4),
        row("2024-01-05", 0.09, { high: 0.1, low: 0.08 }),
      ],
      range,
      (reason, detail) => reports.push(`${reason}: ${detail}`),
    );
    expect(bars.map((bar) => [bar.time, bar.close])).toEqual([
      ["2024-01-02", 10],
      ["2024-01-04", 10.4],
    ]);
    expect(reports).toEqual([
      "price-jump: close 10200 is 1020× the close 10 of the bar before (2024-01-02) at 2024-01-03",
      "price-jump: close 0.09 is 1/116 of the close 10.4 of the bar before (2024-01-04) at 2024-01-05",
    ]);
  });

  it("leaves out rows outside [from, to] without a report", () => {
    const { bars, reports } = normalize([row("2024-01-01"), row("2024-01-31"), row("2024-02-01")]);
    expect(bars.map((bar) => bar.time)).toEqual(["2024-01-31"]);
    expect(reports).toEqual([]);
  });
});
