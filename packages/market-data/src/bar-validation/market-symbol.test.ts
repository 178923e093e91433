import { describe, expect, it } from "vitest";
import { normalizeMarketSymbol, toAsciiUpperCase } from "./market-symbol.ts";

describe("normalizeMarketSymbol", () => {
  it.each([
    ["VCB", "VCB"],
    ["vcb", "VCB"],
    [" Fpt\t", "FPT"],
    ["vn30f1m", "VN30F1M"],
    ["VN30", "VN30"],
    ["ABCDEFGHIJKL", "ABCDEFGHIJKL"],
  ])("reads %j as %j", (text, symbol) => {
    expect(normalizeMarketSymbol(text)).toBe(symbol);
  });

  it.each([
    ["ﬁſh", "ligature and long s: toUpperCase() folds them into FISH"],
    ["ǆ", "a digraph whose upper case is DŽ"],
    ["ＶＣＢ", "full-width letters (NFKC would make them VCB)"],
    ["VCBİ", "a dotted capital I"],
    ["straße", "ß (toUpperCase makes it SS)"],
    ["aa-a", "a hyphen"],
    ["HNX-INDEX", "a hyphen"],
    ["", "empty"],
    ["ABCDEFGHIJKLM", "13 characters"],
  ])("rejects %j (%s)", (text) => {
    expect(normalizeMarketSymbol(text)).toBeNull();
  });
});

describe("toAsciiUpperCase", () => {
  it("changes only a-z", () => {
    expect(toAsciiUpperCase("ﬁſh vcb")).toBe("ﬁſH VCB");
    expect(toAsciiUpperCase("VCB")).toBe("VCB");
  });
});
