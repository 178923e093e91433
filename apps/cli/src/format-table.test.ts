import { describe, expect, it } from "vitest";
import { formatTable } from "./format-table.ts";

describe("formatTable", () => {
  it("pads columns to their widest cell and right-aligns numeric columns", () => {
    expect(
      formatTable(
        ["symbol", "score"],
        [
          ["VCB", 85],
          ["VN30F1M", 7],
        ],
      ),
    ).toBe("symbol   score\nVCB         85\nVN30F1M      7");
  });

  it("formats more rows than a spread into Math.max takes (vpa analyze on 3.2M bars printed ~630k)", () => {
    const rows = Array.from({ length: 700_000 }, (_, i) => [i === 654_321 ? "WIDEST" : "A", i]);
    const lines = formatTable(["s", "n"], rows).split("\n");
    expect(lines).toHaveLength(700_001);
    expect(lines[1]).toBe("A            0");
    expect(lines[654_322]).toBe("WIDEST  654321");
  });

  it("left-aligns a column that mixes numbers and text (a dash for no value), and ends lines without spaces", () => {
    expect(
      formatTable(
        ["symbol", "edge", "note"],
        [
          ["VCB", 1.5, "ok"],
          ["FPT", "—", "no trades yet"],
        ],
      ),
    ).toBe("symbol  edge  note\nVCB     1.5   ok\nFPT     —     no trades yet");
  });

  it("a table with no rows is its header, columns left-aligned", () => {
    expect(formatTable(["symbol", "score"], [])).toBe("symbol  score");
  });
});
