import { SIGNAL_REGISTRY } from "@vpa/core";
import type { DigestItem } from "@vpa/db";
import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../../test-support/telegram-stand-in.ts";
import type { EvidenceFigures, SignalEvidence } from "../evidence/signal-evidence.ts";
import { LANGUAGES } from "../i18n/language.ts";
import { renderDigest } from "./render-digest.ts";

function item(overrides: Partial<DigestItem> = {}): DigestItem {
  return {
    symbol: "VCB",
    exchange: "HOSE",
    signalType: "SELLING_CLIMAX",
    bias: "bull",
    score: 75,
    priority: "MEDIUM",
    close: 23.45,
    volumeRatio: 2.8,
    time: "2021-07-05",
    ...overrides,
  };
}

function visible(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`Telegram would refuse: ${parsed.description}\n${html}`);
  return parsed.text;
}

const twoOfThree = {
  items: [item(), item({ symbol: "HPG", signalType: "NO_SUPPLY", score: 70, volumeRatio: 0.45 })],
  total: 3,
};

describe("renderDigest", () => {
  it("in Vietnamese: Vietnamese first with English beside it, Vietnamese numbers and dates", () => {
    const digest = renderDigest(twoOfThree, "vi");
    expect(digest.subject).toBe("Bản tin quét: 3 tín hiệu / Scan digest: 3 signals · 05/07/2021");
    expect(visible(digest.telegramHtml)).toBe(
      [
        "📋 Bản tin quét: 3 tín hiệu / Scan digest: 3 signals · 05/07/2021",
        "1. VCB Cao trào bán / Selling climax ▲ · điểm / score 75 · 23.450 đ · 2,8× KLTB / avg vol",
        "2. HPG Không có cung / No supply ▲ · điểm / score 70 · 23.450 đ · 0,45× KLTB / avg vol",
        "và 1 tín hiệu khác: /signals · and 1 more: /signals",
      ].join("\n"),
    );
    expect(digest.text).toContain("Automated VPA scanner alert. Not investment advice.");
    expect(digest.emailHtml).toContain('<html lang="vi">');
  });

  it("in English: English only, English numbers and dates", () => {
    const digest = renderDigest(twoOfThree, "en");
    expect(digest.subject).toBe("Scan digest: 3 signals · 2021-07-05");
    expect(visible(digest.telegramHtml)).toBe(
      [
        "📋 Scan digest: 3 signals · 2021-07-05",
        "1. VCB Selling climax ▲ · score 75 · 23,450 VND · 2.8× avg vol",
        "2. HPG No supply ▲ · score 70 · 23,450 VND · 0.45× avg vol",
        "and 1 more: /signals",
      ].join("\n"),
    );
    expect(digest.text).not.toMatch(/[ạ-ỹđ]/u);
    expect(digest.emailHtml).toContain('<html lang="en">');
  });

  it("ends with one line per paper portfolio (at most three): its last close against its index", () => {
    const day = (name: string, date: string, dayReturn: number | null, indexDayReturn: number | null) => ({
      name,
      benchmark: "VN30",
      date,
      dayReturn,
      indexDayReturn,
    });
    const portfolios = [
      day("a-vn30", "2021-07-05", 0.0083, 0.003),
      day("b-wide", "2021-07-02", -0.012, null),
      day("c", "2021-07-05", 0, 0),
      day("d-never-shown", "2021-07-05", 0.5, 0.5),
    ];
    const vi = renderDigest({ ...twoOfThree, portfolios }, "vi");
    expect(visible(vi.telegramHtml).split("\n").slice(-3)).toEqual([
      "💼 Danh mục mẫu a-vn30 +0,8 % hôm nay, VN30 +0,3 % / Paper portfolio a-vn30 +0,8 % today, VN30 +0,3 %",
      // Not stepped to the digest's close yet: its own close is named; no index close: no index figure.
      "💼 Danh mục mẫu b-wide -1,2 % phiên 02/07/2021 / Paper portfolio b-wide -1,2 % on 02/07/2021",
      "💼 Danh mục mẫu c 0,0 % hôm nay, VN30 0,0 % / Paper portfolio c 0,0 % today, VN30 0,0 %",
    ]);
    const en = renderDigest({ ...twoOfThree, portfolios }, "en");
    expect(en.text).toContain("Paper portfolio a-vn30 +0.8% today, VN30 +0.3%\n");
    expect(en.text).not.toContain("d-never-shown");
    expect(en.emailHtml).toContain("Paper portfolio b-wide -1.2% on 2021-07-02</p>");
    expect(en.event.data).toMatchObject({ portfolios: portfolios.slice(0, 3) });
    expect(renderDigest(twoOfThree, "en").text).not.toContain("Paper portfolio");
  });

  it("lists every signal type of the registry in both languages, as HTML Telegram accepts", () => {
    const items = SIGNAL_REGISTRY.map((definition, index) =>
      item({ signalType: definition.type, symbol: `S${index}`, bias: index % 2 === 0 ? "bull" : "bear" }),
    );
    for (const language of LANGUAGES) {
      const text = visible(renderDigest({ items, total: items.length }, language).telegramHtml);
      for (const definition of SIGNAL_REGISTRY) expect(text).toContain(definition.label[language]);
    }
  });

  it("escapes symbols for Telegram and email, and leaves out a missing volume ratio", () => {
    const digest = renderDigest({ items: [item({ symbol: "A<b>&", volumeRatio: null })], total: 1 }, "vi");
    expect(digest.telegramHtml).toContain("A&lt;b&gt;&amp;");
    expect(digest.emailHtml).toContain("A&lt;b&gt;&amp;");
    const text = visible(digest.telegramHtml);
    expect(text).toContain("1. A<b>& Cao trào bán / Selling climax ▲ · điểm / score 75 · 23.450 đ");
    expect(text).not.toContain("×");
  });
});

describe("renderDigest with each signal's evidence", () => {
  const vcbEvidence: EvidenceFigures = {
    status: "figures",
    horizon: 5,
    group: {
      level: "type-exchange-score",
      type: "SELLING_CLIMAX",
      bias: "bull",
      exchange: "HOSE",
      scoreBand: "70-79",
    },
    count: 1240,
    hits: 719,
    hitRate: 719 / 1240,
    chanceCount: 1240,
    chanceHitRate: 0.51,
    meanNetReturn: 0.012,
    chanceMeanNetReturn: 0.002,
    edgeInterval: { low: 0.004, high: 0.016 },
    verdict: "edge",
    finalThrough: "2021-07-02",
  };
  const none: SignalEvidence = { status: "not-enough-history", horizon: 5, count: 0, minimumCount: 30 };

  it("puts a compact line under each signal, in the subscriber's language", () => {
    const en = renderDigest(twoOfThree, "en", [vcbEvidence, none]);
    expect(visible(en.telegramHtml)).toBe(
      [
        "📋 Scan digest: 3 signals · 2021-07-05",
        "1. VCB Selling climax ▲ · score 75 · 23,450 VND · 2.8× avg vol",
        "↳ HOSE · score 70–79: up after 5 sessions 58% of 1,240 times (chance 51%)",
        "2. HPG No supply ▲ · score 70 · 23,450 VND · 0.45× avg vol",
        "↳ not enough history yet",
        "and 1 more: /signals",
      ].join("\n"),
    );
    expect(en.text).toContain(
      "1. VCB Selling climax ▲ · score 75 · 23,450 VND · 2.8× avg vol\n   HOSE · score 70–79: up after 5 sessions",
    );
    expect(en.emailHtml).toContain(
      "HOSE · score 70–79: up after 5 sessions 58% of 1,240 times (chance 51%)</td>",
    );
    expect(en.event.data).toMatchObject({ evidence: [vcbEvidence, none] });
    const vi = visible(renderDigest(twoOfThree, "vi", [vcbEvidence, none]).telegramHtml).split("\n");
    expect(vi[2]).toBe(
      "↳ HOSE · điểm 70–79: tăng sau 5 phiên 58 % trong 1.240 lần (ngẫu nhiên 51 %) / " +
        "HOSE · score 70–79: up after 5 sessions 58 % of 1.240 times (chance 51 %)",
    );
    expect(vi[4]).toBe("↳ chưa đủ dữ liệu / not enough history yet");
  });

  it("keeps every ranked signal of a long digest: the lowest-ranked lose their evidence first", () => {
    // 25 signals fit in a Telegram message (4,096 characters); with all their evidence they would not.
    const items = Array.from({ length: 25 }, (_, index) => item({ symbol: `S${index + 1}` }));
    const digest = renderDigest(
      { items, total: 30 },
      "vi",
      items.map(() => vcbEvidence),
    );
    const text = visible(digest.telegramHtml);
    expect(text.length).toBeLessThanOrEqual(4096);
    for (let rank = 1; rank <= 25; rank++) expect(text).toContain(`\n${rank}. S${rank} `);
    expect(text).toContain("và 5 tín hiệu khác: /signals");
    const lines = text.split("\n");
    expect(lines[2]).toMatch(/^↳ HOSE · điểm 70–79/);
    expect(lines.at(-2)).toMatch(/^25\. S25 /);
    const shown = text.match(/↳ HOSE · điểm 70–79/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(25);
    // Plain text and email have no such limit: every line keeps its evidence there.
    expect(digest.text.match(/ HOSE · điểm 70–79/g)).toHaveLength(25);
  });
});
