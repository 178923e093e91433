import { describe, expect, it } from "vitest";
import {
  formatBarTime,
  formatConfidence,
  formatPrice,
  formatPriceChange,
  formatVietnamTime,
  formatVolumeRatio,
  formatWholeNumber,
} from "./format-alert-values.ts";

describe("Vietnamese formats (vi)", () => {
  it("writes 23.45 thousand VND as 23.450 đ, a dot between thousands", () => {
    expect(formatPrice("VCB", 23.45, "vi")).toBe("23.450 đ");
    expect(formatPrice("VCB", 1234.5, "vi")).toBe("1.234.500 đ");
    expect(formatWholeNumber(1_234_567, "vi")).toBe("1.234.567");
  });

  it("writes dates as DD/MM/YYYY, intraday in Vietnam time", () => {
    expect(formatBarTime("2021-07-05", "vi")).toBe("05/07/2021");
    expect(formatBarTime("2024-05-10T02:15:00Z", "vi")).toBe("10/05/2024 09:15 (UTC+7)");
    expect(formatVietnamTime(Date.parse("2021-07-05T07:00:00Z"), "vi")).toBe("05/07/2021 14:00");
  });

  it("writes percentages with a decimal comma and a space before %", () => {
    expect(formatPriceChange("VCB", 0.024017, 23.45, "vi")).toBe("+2,40 % (+550 đ)");
    expect(formatPriceChange("VCB", -0.008143, 60.9, "vi")).toBe("-0,81 % (-500 đ)");
    expect(formatPriceChange("VCB", 0.024, Number.NaN, "vi")).toBe("+2,40 %");
    expect(formatConfidence(0.65, "vi")).toBe("65 %");
    expect(formatVolumeRatio(2.8, "vi")).toBe("2,8×");
    expect(formatVolumeRatio(0.45, "vi")).toBe("0,45×");
  });

  it("quotes a VN30 future in index points, one decimal, its change in points too", () => {
    // Stored like a stock's price in thousand VND: 1,250.3 is 1,250.3 points.
    expect(formatPrice("VN30F1M", 1250.3, "vi")).toBe("1.250,3 điểm");
    expect(formatPrice("VN30F2406", 1250, "vi")).toBe("1.250,0 điểm");
    expect(formatPriceChange("VN30F1M", 0.0105, 1263.4, "vi")).toBe("+1,05 % (+13,1 điểm)");
    expect(formatPrice("VN30F1M", Number.NaN, "vi")).toBe("không có / n/a");
  });

  it("says n/a in both languages for a number that is not one", () => {
    expect(formatPrice("VCB", Number.NaN, "vi")).toBe("không có / n/a");
    expect(formatConfidence(Number.POSITIVE_INFINITY, "vi")).toBe("không có / n/a");
  });
});

describe("English formats (en)", () => {
  it("writes 23.45 thousand VND as 23,450 VND and dates as YYYY-MM-DD", () => {
    expect(formatPrice("VCB", 23.45, "en")).toBe("23,450 VND");
    expect(formatBarTime("2021-07-05", "en")).toBe("2021-07-05");
    expect(formatBarTime("2024-05-10T02:15:00Z", "en")).toBe("2024-05-10 09:15 (UTC+7)");
    expect(formatVietnamTime(Date.parse("2021-07-05T07:00:00Z"), "en")).toBe("2021-07-05 14:00");
  });

  it("quotes a VN30 future in index points", () => {
    expect(formatPrice("VN30F1M", 1250.3, "en")).toBe("1,250.3 points");
    expect(formatPriceChange("VN30F1M", -0.0105, 1236.8, "en")).toBe("-1.05% (-13.1 points)");
  });

  it("writes percentages and ratios with a decimal point", () => {
    expect(formatPriceChange("VCB", 0.024017, 23.45, "en")).toBe("+2.40% (+550 VND)");
    expect(formatPriceChange("VCB", 0, 23.45, "en")).toBe("0.00% (0 VND)");
    expect(formatPriceChange("VCB", -0.00001, 23.45, "en")).toBe("0.00% (0 VND)");
    expect(formatConfidence(0.65, "en")).toBe("65%");
    expect(formatVolumeRatio(12345.67, "en")).toBe("12,345.7×");
    expect(formatPrice("VCB", Number.NaN, "en")).toBe("n/a");
  });

  it("shows anything unparseable as a bar time verbatim", () => {
    expect(formatBarTime("<script>", "vi")).toBe("<script>");
  });
});
