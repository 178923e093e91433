import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, suggestSimilar } from "./suggest-similar.ts";

const COMMANDS = ["demo", "services", "status", "signals", "subscribe", "subscribers", "scan", "study"];

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and swapped neighbours as one edit each", () => {
    expect(editDistance("signals", "signals")).toBe(0);
    expect(editDistance("signal", "signals")).toBe(1);
    expect(editDistance("signalss", "signals")).toBe(1);
    expect(editDistance("sugnals", "signals")).toBe(1);
    expect(editDistance("sginals", "signals")).toBe(1);
    expect(editDistance("", "scan")).toBe(4);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});

describe("suggestSimilar", () => {
  it("suggests the nearest command within two edits", () => {
    expect(suggestSimilar("signls", COMMANDS)).toEqual(["signals"]);
    expect(suggestSimilar("stauts", COMMANDS)).toEqual(["status"]);
    expect(suggestSimilar("subscriber", COMMANDS)).toEqual(["subscribe", "subscribers"]);
  });

  it("suggests nothing for a word that is far from every candidate", () => {
    expect(suggestSimilar("frobnicate", COMMANDS)).toEqual([]);
    // Two edits of a two-letter word leave nothing of it.
    expect(suggestSimilar("xy", ["ab"])).toEqual([]);
  });

  it("suggests the one candidate a short word begins", () => {
    expect(suggestSimilar("--sym", ["--symbol", "--since", "--json"])).toEqual(["--symbol"]);
    expect(suggestSimilar("--s", ["--symbol", "--since"])).toEqual([]);
  });
});

describe("didYouMean", () => {
  it("is a phrase to append, or nothing", () => {
    expect(didYouMean("--simbol", ["--symbol", "--since"])).toBe(" (did you mean --symbol?)");
    expect(didYouMean("stat", ["status", "start", "stats"])).toBe(" (did you mean start or stats?)");
    expect(didYouMean("zzz", ["status"])).toBe("");
  });
});
