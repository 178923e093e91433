import { describe, expect, it } from "vitest";
import {
  formatBarTime,
  formatConfidence,
  formatPriceChange,
  formatPriceVnd,
  formatVietnamTime,
  formatVolumeRatio,
  formatWholeNumber,
} from "./format-alert-values.ts";

describe("Vietnamese formats (vi)", () => {
  it("writes 23.45 thousand VND as 23.450 đ, a dot between thousands", () => {
    expect(formatPriceVnd(23.45, "vi")).toBe("23.450 đ");
    expect(formatPriceVnd(1234.5, "vi")).toBe("1.234.500 đ");
    expect(formatWholeNumber(1_234_567, "vi")).toBe("1.234.567");
  });

  it("writes dates as DD/MM/YYYY, intraday in Vietnam time", () => {
    expect(formatBarTime("2021-07-05", "vi")).toBe("05/07/2021");
    expect(formatBarTime("2024-05-10T02:15:00Z", "vi")).toBe("10/05/2024 09:15 (UTC+7)");
    expect(formatVietnamTime(Date.parse("2021-07-05T07:00:00Z"), "vi")).toBe("05/07/2021 14:00");
  });

  it("writes percentages with a decimal comma and a space before %", () => {
    expect(formatPriceChange(0.024017, 23.45, "vi")).toBe("+2,40 % (+550 đ)");
    expect(formatPriceChange(-0.008143, 60.9, "vi")).toBe("-0,81 % (-500 đ)");
    expect(formatPriceChange(0.024, Number.NaN, "vi")).toBe("+2,40 %");
    expect(formatConfidence(0.65, "vi")).toBe("65 %");
    expect(formatVolumeRatio(2.8, "vi")).toBe("2,8×");
    expect(formatVolumeRatio(0.45, "vi")).toBe("0,45×");
  });

  it("says n/a in both languages for a number that is not one", () => {
    expect(formatPriceVnd(Number.NaN, "vi")).toBe("không có / n/a");
    expect(formatConfidence(Number.POSITIVE_INFINITY, "vi")).toBe("không có / n/a");
  });
});

describe("English formats (en)", () => {
  it("writes 23.45 thousand VND as 23,450 VND and dates as YYYY-MM-DD", () => {
    expect(formatPriceVnd(23.45, "en")).toBe("23,450 VND");
    expect(formatBarTime("2021-07-05", "en")).toBe("2021-07-05");
    expect(formatBarTime("2024-05-10T02:15:00Z", "en")).toBe("2024-05-10 09:15 (UTC+7)");
    expect(formatVietnamTime(Date.parse("2021-07-05T07:00:00Z"), "en")).toBe("2021-07-05 14:00");
  });

  it("writes percentages and ratios with a decimal point", () => {
    expect(formatPriceChange(0.024017, 23.45, "en")).toBe("+2.40% (+550 VND)");
    expect(formatPriceChange(0, 23.45, "en")).toBe("0.00% (0 VND)");
    expect(formatPriceChange(-0.00001, 23.45, "en")).toBe("0.00% (0 VND)");
    expect(formatConfidence(0.65, "en")).toBe("65%");
    expect(formatVolumeRatio(12345.67, "en")).toBe("12,345.7×");
    expect(formatPriceVnd(Number.NaN, "en")).toBe("n/a");
  });

  it("shows anything unparseable as a bar time verbatim", () => {
    expect(formatBarTime("<script>", "vi")).toBe("<script>");
  });
});
