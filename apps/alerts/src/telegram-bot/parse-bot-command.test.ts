import { SIGNAL_TYPES } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { vi } from "../i18n/vi.ts";
import { describeBotMistake } from "./describe-bot-mistake.ts";
import { MAX_SYMBOLS_PER_SUBSCRIPTION, parseBotCommand } from "./parse-bot-command.ts";

const parse = (text: string) => parseBotCommand(text, SIGNAL_TYPES, "vpa_bot");
/** The mistake as a chat in the default language reads it: Vietnamese, English beside it. */
const errorOf = (text: string): string | null => {
  const parsed = parse(text);
  if (parsed.ok) throw new Error(`expected ${text} to be refused`);
  return parsed.mistake === null ? null : describeBotMistake(parsed.mistake, vi);
};

describe("parseBotCommand", () => {
  it("reads /subscribe with symbols, a minimum score and signal types", () => {
    expect(parse("/subscribe vcb,FPT min=75 types=spring,TEST")).toEqual({
      ok: true,
      command: { kind: "subscribe", symbols: ["VCB", "FPT"], minScore: 75, signalTypes: ["SPRING", "TEST"] },
    });
    expect(parse("/subscribe")).toEqual({
      ok: true,
      command: { kind: "subscribe", symbols: null, minScore: 70, signalTypes: null },
    });
  });

  it("answers a mistake with what was wrong, in Vietnamese and English", () => {
    expect(errorOf("/subscribe min=150")).toBe(
      "Điểm tối thiểu phải là số nguyên từ 0 đến 100 / min must be a whole number from 0 to 100",
    );
    expect(errorOf("/subscribe types=MOON")).toBe(
      "Loại tín hiệu không tồn tại: MOON / Unknown signal type MOON",
    );
    expect(errorOf("/subscribe VCB! ")).toBe(
      "Mã không hợp lệ (1–12 chữ cái A–Z hoặc chữ số): VCB! / Not a symbol (1–12 letters A–Z or digits): VCB!",
    );
    expect(errorOf("/frobnicate")).toBe("Lệnh không tồn tại: /frobnicate / Unknown command /frobnicate");
  });

  it("reads /chart SYMBOL and /portfolio [NAME], and says how to use them when mistyped", () => {
    expect(parse("/chart vcb")).toEqual({ ok: true, command: { kind: "chart", symbol: "VCB" } });
    expect(parse("/chart@vpa_bot FPT")).toEqual({ ok: true, command: { kind: "chart", symbol: "FPT" } });
    expect(errorOf("/chart")).toBe("Dùng /chart MÃ, ví dụ /chart VCB / Use /chart SYMBOL, e.g. /chart VCB");
    expect(errorOf("/chart VCB FPT")).toBe(
      "Dùng /chart MÃ, ví dụ /chart VCB / Use /chart SYMBOL, e.g. /chart VCB",
    );
    expect(errorOf("/chart V<b>")).toContain("Not a symbol");
    expect(parse("/portfolio")).toEqual({ ok: true, command: { kind: "portfolio", name: null } });
    expect(parse("/portfolio vn30-sc")).toEqual({
      ok: true,
      command: { kind: "portfolio", name: "vn30-sc" },
    });
    expect(errorOf("/portfolio a b")).toContain("Use /portfolio or /portfolio NAME");
    expect(errorOf(`/portfolio ${"x".repeat(65)}`)).toContain("Use /portfolio or /portfolio NAME");
  });

  it("takes a minimum score only as 0-100 written in digits", () => {
    for (const bad of ["min=", "min=-1", "min=101", "min=1e1", "min=7.5", "min=0x10", "min=٧٠"]) {
      expect(errorOf(`/subscribe ${bad}`), bad).toContain("min must be a whole number from 0 to 100");
    }
    expect(parse("/subscribe min=0")).toMatchObject({ ok: true, command: { minScore: 0 } });
    expect(parse("/subscribe min=100")).toMatchObject({ ok: true, command: { minScore: 100 } });
  });

  it(`refuses more than ${MAX_SYMBOLS_PER_SUBSCRIPTION} symbols in one subscription, saying how many came`, () => {
    const symbols = (n: number) => Array.from({ length: n }, (_, i) => `S${i}`).join(",");
    expect(parse(`/subscribe ${symbols(MAX_SYMBOLS_PER_SUBSCRIPTION)}`)).toMatchObject({ ok: true });
    expect(errorOf(`/subscribe ${symbols(10_000)}`)).toBe(
      "Tối đa 200 mã mỗi đăng ký (bạn gửi 10000) / At most 200 symbols per subscription (you sent 10000)",
    );
    // The same symbol twice counts once.
    const repeated = parse(`/subscribe ${Array.from({ length: 500 }, () => "VCB").join(",")} FPT`);
    expect(repeated).toMatchObject({ ok: true, command: { symbols: ["VCB", "FPT"] } });
  });

  it("upper-cases ASCII letters only: no Unicode folding turns a look-alike into a symbol", () => {
    // "ﬁ".toUpperCase() is "FI", "ß" becomes "SS", Turkish dotless "ı" becomes "I".
    for (const lookalike of ["ﬁ", "maß", "ıcb", "ＶＣＢ"]) {
      expect(errorOf(`/subscribe ${lookalike}`), lookalike).toContain("Not a symbol");
      expect(errorOf(`/signals ${lookalike}`), lookalike).toContain("Not a symbol");
    }
    expect(errorOf("/subscribe types=ſpring")).toContain("Unknown signal type");
  });

  it("names at most a few bad entries and cuts each short, so the reply stays small", () => {
    const error = errorOf(`/subscribe ${Array.from({ length: 300 }, (_, i) => `bad-${i}`).join(",")}`) ?? "";
    expect(error).toContain("BAD-0, BAD-1, BAD-2, BAD-3, BAD-4 (+295)");
    expect(error.length).toBeLessThan(300);
    expect(errorOf(`/subscribe ${"x".repeat(5_000)}!`)?.length).toBeLessThan(200);
    expect(errorOf(`/${"a".repeat(5_000)}`)?.length).toBeLessThan(200);
  });

  it("reads /status (who may run it is the bot's decision, not the parser's)", () => {
    expect(parse("/status")).toEqual({ ok: true, command: { kind: "status" } });
  });

  it("ignores plain text and commands addressed to another bot in a group", () => {
    expect(parse("hello")).toEqual({ ok: false, mistake: null });
    expect(parse("/start@other_bot")).toEqual({ ok: false, mistake: null });
    expect(parse("/start@VPA_bot")).toEqual({ ok: true, command: { kind: "start" } });
  });

  it("reads /top [N], 1 to 50, 10 without a number", () => {
    expect(parse("/top")).toEqual({ ok: true, command: { kind: "top", limit: 10 } });
    expect(parse("/top 25")).toEqual({ ok: true, command: { kind: "top", limit: 25 } });
    for (const bad of ["/top 0", "/top 51", "/top x", "/top 5 6", "/top ٥"]) {
      expect(errorOf(bad), bad).toBe(
        "Dùng /top hoặc /top N (N từ 1 đến 50) / Use /top or /top N (N from 1 to 50)",
      );
    }
  });

  it("reads /digest on, off, top N (or top=N), and plain /digest to show the setting", () => {
    expect(parse("/digest")).toEqual({ ok: true, command: { kind: "digest", change: null } });
    expect(parse("/digest ON")).toEqual({
      ok: true,
      command: { kind: "digest", change: { mode: "digest" } },
    });
    expect(parse("/digest off")).toEqual({
      ok: true,
      command: { kind: "digest", change: { mode: "instant" } },
    });
    expect(parse("/digest top 5")).toEqual({ ok: true, command: { kind: "digest", change: { top: 5 } } });
    expect(parse("/digest top=50")).toEqual({ ok: true, command: { kind: "digest", change: { top: 50 } } });
    for (const bad of ["/digest top", "/digest top 0", "/digest top 51", "/digest maybe", "/digest on off"]) {
      expect(errorOf(bad), bad).toContain("Use /digest on, /digest off or /digest top N (N from 1 to 50)");
    }
  });

  it("reads /lang vi|en, and plain /lang to show the language", () => {
    expect(parse("/lang EN")).toEqual({ ok: true, command: { kind: "lang", language: "en" } });
    expect(parse("/lang vi")).toEqual({ ok: true, command: { kind: "lang", language: "vi" } });
    expect(parse("/lang")).toEqual({ ok: true, command: { kind: "lang", language: null } });
    expect(errorOf("/lang fr")).toBe(
      "Dùng /lang vi (tiếng Việt kèm tiếng Anh) hoặc /lang en (tiếng Anh) / Use /lang vi (Vietnamese with English beside it) or /lang en (English)",
    );
  });

  it("reads /live on|off, and plain /live to show the setting", () => {
    expect(parse("/live on")).toEqual({ ok: true, command: { kind: "live", on: true } });
    expect(parse("/live OFF")).toEqual({ ok: true, command: { kind: "live", on: false } });
    expect(parse("/live")).toEqual({ ok: true, command: { kind: "live", on: null } });
    for (const bad of ["/live maybe", "/live on off"])
      expect(errorOf(bad), bad).toBe("Dùng /live on hoặc /live off. / Use /live on or /live off.");
  });

  it("reads /pause with a duration in minutes, hours or days (at most 30 days), or none, and /resume", () => {
    expect(parse("/pause")).toEqual({ ok: true, command: { kind: "pause", durationMs: null } });
    expect(parse("/pause 2h")).toEqual({ ok: true, command: { kind: "pause", durationMs: 2 * 3_600_000 } });
    expect(parse("/pause 1D")).toEqual({ ok: true, command: { kind: "pause", durationMs: 86_400_000 } });
    expect(parse("/pause 90 m")).toEqual({ ok: true, command: { kind: "pause", durationMs: 90 * 60_000 } });
    expect(parse("/pause 30d")).toMatchObject({ ok: true });
    for (const bad of ["/pause 31d", "/pause 0m", "/pause 2", "/pause 1.5h", "/pause soon", "/pause -1h"]) {
      expect(errorOf(bad), bad).toContain("Use /pause, /pause 2h or /pause 1d");
    }
    expect(parse("/resume")).toEqual({ ok: true, command: { kind: "resume" } });
  });

  it("reads /scan (admins only: the bot decides)", () => {
    expect(parse("/scan")).toEqual({ ok: true, command: { kind: "scan" } });
  });
});
