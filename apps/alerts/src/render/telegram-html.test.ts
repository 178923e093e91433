import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../../test-support/telegram-stand-in.ts";
import { escapeTelegramHtml, truncateTelegramHtml } from "./telegram-html.ts";

function visibleText(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.description);
  return parsed.text;
}

describe("escapeTelegramHtml", () => {
  it("escapes the characters Telegram HTML reserves", () => {
    expect(escapeTelegramHtml("A<b>&C")).toBe("A&lt;b&gt;&amp;C");
    expect(escapeTelegramHtml('say "hi"')).toBe("say &quot;hi&quot;");
    expect(escapeTelegramHtml("Hòa Phát 🟢")).toBe("Hòa Phát 🟢");
  });
});

describe("truncateTelegramHtml", () => {
  it("returns text that fits unchanged", () => {
    expect(truncateTelegramHtml("<b>short</b>", 10)).toBe("<b>short</b>");
  });

  it("never cuts an entity and closes the tags left open", () => {
    const html = `<b>Tom &amp; Jerry</b> <i>${escapeTelegramHtml("<&>".repeat(10))}</i>`;
    for (let max = 2; max <= 30; max++) {
      const cut = truncateTelegramHtml(html, max);
      const text = visibleText(cut); // throws if Telegram would refuse it
      expect(text.length).toBeLessThanOrEqual(max);
    }
    expect(truncateTelegramHtml("<b>Tom &amp; Jerry</b>", 7)).toBe("<b>Tom &amp;…</b>");
  });

  it("never splits a surrogate pair", () => {
    const cut = truncateTelegramHtml("🟢🟢🟢🟢", 4);
    expect(visibleText(cut)).toBe("🟢…");
  });

  it("cuts a long message to 4096 characters by default", () => {
    const html = `<b>${"x".repeat(5000)}</b>`;
    const text = visibleText(truncateTelegramHtml(html));
    expect(text.length).toBe(4096);
    expect(text.endsWith("…")).toBe(true);
  });
});

describe("parseTelegramHtml (the stand-in's validator)", () => {
  it("rejects what Telegram rejects, with Telegram's wording", () => {
    expect(parseTelegramHtml("<br>")).toEqual({
      ok: false,
      description: 'Unsupported start tag "br" at byte offset 0',
    });
    expect(parseTelegramHtml("<b>x")).toEqual({
      ok: false,
      description: 'Can\'t find end tag corresponding to start tag "b"',
    });
    expect(parseTelegramHtml("<b>x</i>")).toMatchObject({ ok: false });
    expect(parseTelegramHtml("x</b>")).toEqual({
      ok: false,
      description: "Unexpected end tag at byte offset 1",
    });
    expect(parseTelegramHtml('<span class="x">s</span>')).toMatchObject({ ok: false });
    expect(parseTelegramHtml("A&B")).toMatchObject({ ok: false }); // stricter than Telegram on purpose
    expect(parseTelegramHtml("a > b")).toMatchObject({ ok: false });
  });

  it("accepts Telegram's tags and entities and reports entities in UTF-16 units", () => {
    const parsed = parseTelegramHtml(
      '🟢 <b>A&amp;B</b> <a href="https://x.test/?a=1&amp;b=2">link</a> &#39;q&#x27;',
    );
    expect(parsed).toEqual({
      ok: true,
      text: "🟢 A&B link 'q'",
      entities: [
        { type: "bold", offset: 3, length: 3 },
        { type: "text_link", offset: 7, length: 4, url: "https://x.test/?a=1&b=2" },
      ],
    });
  });
});
