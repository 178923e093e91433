import { SIGNAL_TYPES } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { MAX_SYMBOLS_PER_SUBSCRIPTION, parseBotCommand } from "./parse-bot-command.ts";

const parse = (text: string) => parseBotCommand(text, SIGNAL_TYPES, "vpa_bot");
const errorOf = (text: string): string | null => {
  const parsed = parse(text);
  if (parsed.ok) throw new Error(`expected ${text} to be refused`);
  return parsed.error;
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
      "Loại tín hiệu không tồn tại: MOON / unknown signal type MOON",
    );
    expect(errorOf("/subscribe VCB! ")).toBe(
      "Mã không hợp lệ (1–12 chữ cái A–Z hoặc chữ số): VCB! / not a symbol (1–12 letters A–Z or digits): VCB!",
    );
    expect(errorOf("/frobnicate")).toBe("Lệnh không tồn tại: /frobnicate / unknown command /frobnicate");
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
      expect(errorOf(`/subscribe ${lookalike}`), lookalike).toContain("not a symbol");
      expect(errorOf(`/signals ${lookalike}`), lookalike).toContain("not a symbol");
    }
    expect(errorOf("/subscribe types=ſpring")).toContain("unknown signal type");
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
    expect(parse("hello")).toEqual({ ok: false, error: null });
    expect(parse("/start@other_bot")).toEqual({ ok: false, error: null });
    expect(parse("/start@VPA_bot")).toEqual({ ok: true, command: { kind: "start" } });
  });
});
