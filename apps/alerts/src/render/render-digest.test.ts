import { SIGNAL_REGISTRY } from "@vpa/core";
import type { DigestItem } from "@vpa/db";
import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../../test-support/telegram-stand-in.ts";
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
