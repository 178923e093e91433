import { describe, expect, it } from "vitest";
import { chunkSymbols } from "./scan-market.ts";

describe("chunkSymbols", () => {
  const items = ["VNM", "ACB", "FPT", "HPG", "SSI"].map((symbol) => ({ symbol }));

  it("chunks in symbol order whatever the input order, so a re-run scan gets the same chunks", () => {
    const chunks = chunkSymbols(items, 2).map((chunk) => chunk.map((item) => item.symbol));
    expect(chunks).toEqual([["ACB", "FPT"], ["HPG", "SSI"], ["VNM"]]);
    expect(chunkSymbols([...items].reverse(), 2)).toEqual(chunkSymbols(items, 2));
  });

  it("refuses a chunk size that is not a positive integer", () => {
    expect(() => chunkSymbols(items, 0)).toThrow(RangeError);
    expect(() => chunkSymbols(items, 1.5)).toThrow(RangeError);
  });
});
