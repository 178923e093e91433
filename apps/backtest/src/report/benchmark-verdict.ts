import type { IndexCoverage } from "@vpa/core";
import { readableBarTime } from "@vpa/db";
import type { ReportBenchmark } from "../load-backtest-report.ts";

/**
 * The plain sentences at the top of a report, in Vietnamese first and English: how the strategy
 * did against each benchmark, why the index was not compared when it was not, and the survivorship
 * bias of today's symbol lists applied to the past. Shared by the HTML report and the CLI.
 */
export interface BilingualText {
  readonly vi: string;
  readonly en: string;
}

/** {@link readableBarTime}, with a dash for a run without bars. */
function formatBarTime(time: string | null): string {
  return time === null ? "—" : readableBarTime(time);
}

/**
 * "2023-11-17 09:00 → 2024-01-15 14:45, 40 sessions (7,615 bars)" (intraday) or "2020-01-02 →
 * 2021-12-31, 1,000 sessions" (daily): a run's span and length. A report stored before its bars
 * were counted apart has no `bars` (its `sessions` held them).
 */
export function describeRunPeriod(period: {
  readonly from: string;
  readonly to: string;
  readonly firstSession: string | null;
  readonly lastSession: string | null;
  readonly sessions: number;
  readonly bars?: number;
}): string {
  const span = `${period.firstSession === null ? period.from : formatBarTime(period.firstSession)} → ${
    period.lastSession === null ? period.to : formatBarTime(period.lastSession)
  }`;
  // Stored before bars were counted apart, an intraday run's `sessions` held its bars.
  if (period.bars === undefined && (period.firstSession?.length ?? 0) > 10)
    return `${span}, ${period.sessions.toLocaleString("en-US")} bars`;
  const sessions = `${period.sessions.toLocaleString("en-US")} ${period.sessions === 1 ? "session" : "sessions"}`;
  const bars =
    period.bars === undefined || period.bars === period.sessions
      ? ""
      : ` (${period.bars.toLocaleString("en-US")} ${period.bars === 1 ? "bar" : "bars"})`;
  return `${span}, ${sessions}${bars}`;
}

/**
 * Buy orders the run's sizing could never place: a position's share of the equity buys less than
 * one board lot or one futures contract (a VN30 future's ~110 M VND contract on 10 % of 1 bn VND).
 * Said plainly, with what to change, so that "0 trades" is not read as "no signal". Null when there
 * were none (or the report was stored before they were counted apart).
 */
export function describeUntradedEntries(report: {
  readonly counters: { readonly entriesSkippedBelowOneLot?: number };
  readonly engineConfig: { readonly positionFraction: number };
}): BilingualText | null {
  const count = report.counters.entriesSkippedBelowOneLot ?? 0;
  if (count === 0) return null;
  const share = `${Number((report.engineConfig.positionFraction * 100).toFixed(2))} %`;
  return {
    vi: `${count.toLocaleString("vi-VN")} lệnh mua không được thực hiện: ${share.replace(".", ",")} tài sản cho mỗi vị thế không đủ mua 1 lô (hoặc 1 hợp đồng tương lai). Tăng --position-size hoặc --capital, hoặc giao dịch hợp đồng tương lai ký quỹ (--futures-margin).`,
    en: `${count.toLocaleString("en-US")} buy orders not placed: ${share} of the equity per position buys less than one board lot (or one futures contract). Raise --position-size or --capital, or trade futures on margin (--futures-margin).`,
  };
}

/** Below half a tenth of a point the difference prints as 0.0: "matches". */
const MATCH_TOLERANCE = 0.0005;

/** 0.382 → "38,2" (vi) or "38.2" (en): percentage points, one decimal, no sign. */
export function formatPoints(difference: number, language: "vi" | "en"): string {
  const text = Math.abs(difference * 100).toFixed(1);
  return language === "vi" ? text.replace(".", ",") : text;
}

/** "the VN30 index" / "chỉ số VN30"; equal-weight buy-and-hold of the run's own symbols. */
export function benchmarkLabel(
  benchmark: Pick<ReportBenchmark, "name" | "kind">,
  language: "vi" | "en",
): string {
  if (benchmark.kind === "index")
    return language === "vi" ? `chỉ số ${benchmark.name}` : `the ${benchmark.name} index`;
  return language === "vi"
    ? "danh mục mua và nắm giữ đồng tỷ trọng cùng các mã"
    : "equal-weight buy-and-hold of the same symbols";
}

/**
 * "Chiến lược kém chỉ số VN30 38,2 điểm % …" / "The strategy trails the VN30 index by 38.2
 * percentage points …": total return against each benchmark over the run, index first.
 * `trails` is true when the strategy did worse than at least one of them.
 */
export function describeAgainstBenchmarks(report: {
  readonly metrics: { readonly totalReturn: number };
  readonly benchmarks: readonly ReportBenchmark[];
  readonly period: { readonly firstSession: string | null; readonly lastSession: string | null };
}): (BilingualText & { readonly trails: boolean }) | null {
  if (report.benchmarks.length === 0) return null;
  const ordered = [...report.benchmarks].sort((a, b) =>
    a.kind === b.kind ? 0 : a.kind === "index" ? -1 : 1,
  );
  const vi: string[] = [];
  const en: string[] = [];
  let trails = false;
  for (const benchmark of ordered) {
    const difference = benchmark.relative?.excessReturn ?? report.metrics.totalReturn - benchmark.totalReturn;
    const points = { vi: formatPoints(difference, "vi"), en: formatPoints(difference, "en") };
    const label = { vi: benchmarkLabel(benchmark, "vi"), en: benchmarkLabel(benchmark, "en") };
    if (Math.abs(difference) < MATCH_TOLERANCE) {
      vi.push(`ngang ${label.vi}`);
      en.push(`matches ${label.en}`);
    } else if (difference < 0) {
      trails = true;
      vi.push(`kém ${label.vi} ${points.vi} điểm %`);
      en.push(`trails ${label.en} by ${points.en} percentage points`);
    } else {
      vi.push(`vượt ${label.vi} ${points.vi} điểm %`);
      en.push(`beats ${label.en} by ${points.en} percentage points`);
    }
  }
  const span =
    report.period.firstSession === null
      ? ""
      : ` ${formatBarTime(report.period.firstSession)} → ${formatBarTime(report.period.lastSession)}`;
  return {
    vi: `Chiến lược ${vi.join(" và ")} (tổng lợi nhuận${span}).`,
    en: `The strategy ${en.join(" and ")} (total return${span}).`,
    trails,
  };
}

/** Why the index is missing from the comparison; null when it was compared or none was asked. */
export function describeIndexCoverage(
  coverage: IndexCoverage | null,
  period: { readonly firstSession: string | null; readonly lastSession: string | null },
): BilingualText | null {
  if (coverage === null || coverage.covers) return null;
  if (coverage.firstDate === null)
    return {
      vi: `Chưa so sánh với chỉ số ${coverage.name}: chưa có dữ liệu của chỉ số này (nạp bằng vpa import tệp chỉ số; vpa demo nạp sẵn VN30).`,
      en: `Not compared with the ${coverage.name} index: it is not stored (load it with vpa import; vpa demo loads VN30).`,
    };
  const run = `${formatBarTime(period.firstSession)} → ${formatBarTime(period.lastSession)}`;
  const has = `${coverage.firstDate} → ${coverage.lastDate}`;
  return {
    vi: `Chưa so sánh với chỉ số ${coverage.name}: dữ liệu chỉ số (${has}) không phủ giai đoạn ${run}.`,
    en: `Not compared with the ${coverage.name} index: its bars (${has}) do not cover the run (${run}).`,
  };
}

/**
 * The survivorship bias of the universe, in the terms of how it was named; `comparedIndex` is the
 * index the run was compared with (null when none was).
 */
export function describeSurvivorship(
  symbols: "VN30" | "ALL" | readonly string[],
  comparedIndex: string | null,
): BilingualText {
  const list =
    symbols === "VN30"
      ? { vi: "rổ VN30 hiện nay (năm 2025)", en: "today's VN30 constituents (2025)" }
      : symbols === "ALL"
        ? { vi: "các mã đang niêm yết hôm nay", en: "the symbols listed today" }
        : { vi: "các mã được chọn hôm nay", en: "symbols chosen today" };
  const index =
    comparedIndex === null
      ? { vi: "", en: "" }
      : {
          vi: ` Chỉ số ${comparedIndex} thì được tính trên rổ thực tế của từng thời kỳ, nên là thước đo công bằng hơn.`,
          en: ` The ${comparedIndex} index was computed on each period's actual constituents: it is the fairer yardstick.`,
        };
  return {
    vi: `Thiên lệch sống sót: ${list.vi} được áp cho quá khứ; các mã đã bị loại khỏi danh sách hoặc hủy niêm yết không có mặt, nên kết quả của chiến lược và của danh mục đồng tỷ trọng đều đẹp hơn thực tế.${index.vi}`,
    en: `Survivorship bias: ${list.en} applied to the past; names dropped from the list or delisted since are missing, which flatters the strategy and the equal-weight benchmark alike.${index.en}`,
  };
}
