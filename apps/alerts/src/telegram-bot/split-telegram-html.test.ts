import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../../test-support/telegram-stand-in.ts";
import { splitTelegramHtml } from "./split-telegram-html.ts";

/** What each part reads as in Telegram; fails if a part would be refused as HTML. */
function plainTextsOf(parts: readonly string[]): string[] {
  return parts.map((part) => {
    const parsed = parseTelegramHtml(part);
    if (!parsed.ok) throw new Error(`part does not parse: ${parsed.description}\n${part}`);
    return parsed.text;
  });
}

describe("splitTelegramHtml", () => {
  it("leaves a reply that fits alone", () => {
    expect(splitTelegramHtml("<b>VCB</b> &amp; FPT", 4096)).toEqual(["<b>VCB</b> &amp; FPT"]);
  });

  it("splits at line boundaries, every part within the limit and the text unchanged", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `<b>S${i}</b> · score ${i % 100} &amp; more`);
    const parts = splitTelegramHtml(lines.join("\n"), 4096);
    expect(parts.length).toBeGreaterThan(1);
    const texts = plainTextsOf(parts);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(4096);
    expect(texts.join("\n")).toBe(plainTextsOf([lines.join("\n")])[0]);
  });

  it("closes a tag left open at a cut and reopens it (attributes included) in the next part", () => {
    const html = `<blockquote>line one\nline two\n<a href="https://x.example/?a=1&amp;b=2">line three</a></blockquote>`;
    const parts = splitTelegramHtml(html, 20);
    expect(parts).toEqual([
      "<blockquote>line one\nline two</blockquote>",
      '<blockquote><a href="https://x.example/?a=1&amp;b=2">line three</a></blockquote>',
    ]);
    expect(plainTextsOf(parts)).toEqual(["line one\nline two", "line three"]);
  });

  it("cuts a single line longer than the limit rather than send what Telegram refuses", () => {
    const parts = splitTelegramHtml(`short\n<b>${"x".repeat(50)}</b>\nafter`, 20);
    const texts = plainTextsOf(parts);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(20);
    expect(texts[0]).toBe("short");
    expect(texts[1]).toMatch(/^x+…$/);
    expect(texts.at(-1)).toBe("after");
  });

  it("sends no empty parts", () => {
    const parts = splitTelegramHtml(`${"a".repeat(15)}\n\n\n\n${"b".repeat(15)}`, 16);
    expect(plainTextsOf(parts)).toEqual(["a".repeat(15), "b".repeat(15)]);
  });
});
