import { describe, expect, it } from "vitest";
import type { Catalogue } from "./catalogue.ts";
import { CATALOGUES } from "./catalogues.ts";
import { en } from "./en.ts";
import { LANGUAGES } from "./language.ts";
import { vi } from "./vi.ts";

/** Every leaf of a catalogue by its path (`alert.labels.close`), functions and strings alike. */
function leaves(node: unknown, path = ""): Map<string, unknown> {
  const found = new Map<string, unknown>();
  if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      for (const [leafPath, leaf] of leaves(value, path === "" ? key : `${path}.${key}`))
        found.set(leafPath, leaf);
    }
  } else {
    found.set(path, node);
  }
  return found;
}

/** Vietnamese strings whose English half is not en's own entry, on purpose. */
const NOT_BESIDE_ENGLISH = new Set(["htmlLang", "settings.language"]);

describe("the catalogues", () => {
  it("have the same keys in every language, with the same kind of entry (text or sentence of values)", () => {
    const english = leaves(en);
    expect(english.size).toBeGreaterThan(100);
    for (const language of LANGUAGES) {
      const other = leaves(CATALOGUES[language]);
      expect([...other.keys()].sort(), language).toEqual([...english.keys()].sort());
      for (const [path, value] of other) {
        const reference = english.get(path);
        expect(typeof value, `${language} ${path}`).toBe(typeof reference);
        if (typeof value === "function" && typeof reference === "function") {
          expect(value.length, `${language} ${path} takes the same values`).toBe(reference.length);
        }
        if (typeof value === "string") expect(value.trim(), `${language} ${path}`).not.toBe("");
      }
    }
  });

  it("hold plain text only: the renderers escape and add the markup", () => {
    for (const catalogue of Object.values(CATALOGUES) as Catalogue[]) {
      for (const [path, value] of leaves(catalogue)) {
        if (typeof value === "string") expect(value, path).not.toMatch(/<\/?[a-z]|&[a-z#0-9]+;/i);
      }
    }
  });

  it("put the English beside every Vietnamese text, after it", () => {
    const english = leaves(en);
    for (const [path, value] of leaves(vi)) {
      const reference = english.get(path);
      if (typeof value !== "string" || typeof reference !== "string" || NOT_BESIDE_ENGLISH.has(path))
        continue;
      expect(value, path).toContain(reference);
      if (value !== reference) expect(value.endsWith(reference), path).toBe(true);
    }
    expect(vi.subscription.subscribed({ kinds: null, symbols: "FPT, VCB", minScore: 75 })).toBe(
      "Đã đăng ký: mọi tín hiệu trên FPT, VCB, điểm từ 75. / Subscribed: every signal on FPT, VCB, score 75+.",
    );
    expect(
      vi.subscription.describe({
        kinds: [{ vi: "Cú lò xo", en: "Spring" }],
        symbols: null,
        minScore: 70,
      }),
    ).toBe("Cú lò xo trên mọi mã, điểm từ 70 / Spring on all symbols, score 70+");
    expect(vi.signalName({ vi: "Cao trào bán", en: "Selling climax" })).toBe("Cao trào bán / Selling climax");
    expect(en.signalName({ vi: "Cao trào bán", en: "Selling climax" })).toBe("Selling climax");
  });

  it("give Telegram command descriptions it accepts (1–256 characters)", () => {
    for (const catalogue of Object.values(CATALOGUES) as Catalogue[]) {
      for (const description of Object.values(catalogue.help.menu)) {
        expect(description.length).toBeGreaterThan(0);
        expect(description.length).toBeLessThanOrEqual(256);
      }
    }
  });
});
