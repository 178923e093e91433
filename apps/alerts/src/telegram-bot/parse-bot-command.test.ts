import { SIGNAL_TYPES } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { parseBotCommand } from "./parse-bot-command.ts";

const parse = (text: string) => parseBotCommand(text, SIGNAL_TYPES, "vpa_bot");

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

  it("answers a mistake with what was wrong", () => {
    expect(parse("/subscribe min=150")).toEqual({
      ok: false,
      error: "min must be a whole number from 0 to 100",
    });
    expect(parse("/subscribe types=MOON")).toEqual({ ok: false, error: "unknown signal type MOON" });
    expect(parse("/subscribe VCB! ")).toEqual({ ok: false, error: "not a symbol: VCB!" });
    expect(parse("/frobnicate")).toEqual({ ok: false, error: "unknown command /frobnicate" });
  });

  it("ignores plain text and commands addressed to another bot in a group", () => {
    expect(parse("hello")).toEqual({ ok: false, error: null });
    expect(parse("/start@other_bot")).toEqual({ ok: false, error: null });
    expect(parse("/start@VPA_bot")).toEqual({ ok: true, command: { kind: "start" } });
  });
});
