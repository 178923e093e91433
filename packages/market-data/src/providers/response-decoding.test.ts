import { describe, expect, it } from "vitest";
import { decodeUdfHistory } from "./udf-history-response.ts";
import { decodeVietcapGapChart } from "./vietcap-gap-chart-response.ts";

const JAN_2 = Date.parse("2024-01-02T00:00:00Z") / 1000;
const JAN_3 = JAN_2 + 86_400;

describe("decodeUdfHistory", () => {
  it("reads the ok shape, prices as they come (thousand VND)", () => {
    const rows = decodeUdfHistory(
      {
        s: "ok",
        t: [JAN_2, JAN_3],
        o: [86.5, 87],
        h: [87.1, 88],
        l: [86, 86.9],
        c: [87, 87.9],
        v: [1_200, 0],
      },
      "1D",
      "udf",
    );
    expect(rows).toEqual([
      { time: "2024-01-02", open: 86.5, high: 87.1, low: 86, close: 87, volume: 1_200 },
      { time: "2024-01-03", open: 87, high: 88, low: 86.9, close: 87.9, volume: 0 },
    ]);
  });

  it("no_data is no bars; error is a refusal; other shapes are bad responses", () => {
    expect(decodeUdfHistory({ s: "no_data", nextTime: JAN_2 }, "1D", "udf")).toEqual([]);
    expect(() => decodeUdfHistory({ s: "error", errmsg: "bad symbol" }, "1D", "udf")).toThrow(
      expect.objectContaining({
        code: "PROVIDER_REQUEST_REJECTED",
        message: "udf: /history refused: bad symbol",
      }),
    );
    for (const body of [null, [], { s: "weird" }, { s: "ok", t: [JAN_2], o: [1] }]) {
      expect(() => decodeUdfHistory(body, "1D", "udf")).toThrow(
        expect.objectContaining({ code: "PROVIDER_BAD_RESPONSE" }),
      );
    }
  });

  it("reads strings in plain decimal notation only: hex, exponents and blanks become NaN", () => {
    const rows = decodeUdfHistory(
      {
        s: "ok",
        t: [JAN_2, JAN_3],
        o: ["86.5", "0x10"],
        h: ["87.1", "1e300"],
        l: ["86", " "],
        c: [" 87 ", "Infinity"],
        v: ["1200", "1,200"],
      },
      "1D",
      "udf",
    );
    expect(rows[0]).toEqual({
      time: "2024-01-02",
      open: 86.5,
      high: 87.1,
      low: 86,
      close: 87,
      volume: 1_200,
    });
    expect(rows[1]).toEqual({
      time: "2024-01-03",
      open: Number.NaN,
      high: Number.NaN,
      low: Number.NaN,
      close: Number.NaN,
      volume: Number.NaN,
    });
  });

  it("columns of different lengths are a bad response (a corrupted body: no row is trusted)", () => {
    expect(() =>
      decodeUdfHistory(
        { s: "ok", t: [JAN_2, JAN_3], o: [1], h: [1, 1], l: [1, 1], c: [1, 1], v: [1, 1] },
        "1D",
        "udf",
      ),
    ).toThrow(expect.objectContaining({ code: "PROVIDER_BAD_RESPONSE" }));
  });
});

describe("decodeVietcapGapChart", () => {
  it("reads string stamps and converts VND to thousand VND without binary noise", () => {
    const page = decodeVietcapGapChart(
      [
        {
          symbol: "ACB",
          t: [String(JAN_2)],
          o: [13_845.7],
          h: [14_556.7],
          l: [13_770.9],
          c: [14_519.3],
          v: [3_657_426],
        },
      ],
      "ACB",
      "1D",
      "vietcap",
    );
    expect(page.rows).toEqual([
      { time: "2024-01-02", open: 13.8457, high: 14.5567, low: 13.7709, close: 14.5193, volume: 3_657_426 },
    ]);
    expect(page.stamps).toEqual([JAN_2]);
  });

  it("an empty array or empty columns are no bars; an answer for another symbol is bad", () => {
    expect(decodeVietcapGapChart([], "ACB", "1D", "v").rows).toEqual([]);
    expect(
      decodeVietcapGapChart([{ symbol: "ACB", t: [], o: [], h: [], l: [], c: [], v: [] }], "ACB", "1D", "v")
        .rows,
    ).toEqual([]);
    expect(() =>
      decodeVietcapGapChart([{ symbol: "VCB", t: [], o: [], h: [], l: [], c: [], v: [] }], "ACB", "1D", "v"),
    ).toThrow(expect.objectContaining({ code: "PROVIDER_BAD_RESPONSE" }));
    expect(() => decodeVietcapGapChart({ status: 500 }, "ACB", "1D", "v")).toThrow(
      expect.objectContaining({ code: "PROVIDER_BAD_RESPONSE" }),
    );
  });
});
