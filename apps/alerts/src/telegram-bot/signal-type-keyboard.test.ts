import { SIGNAL_REGISTRY, SIGNAL_TYPES } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../../../test-support/telegram-stand-in.ts";
import { en } from "../i18n/en.ts";
import { vi } from "../i18n/vi.ts";
import {
  parseSignalTypeTap,
  signalTypeKeyboard,
  subscriptionReply,
  toggleSignalType,
} from "./signal-type-keyboard.ts";

const subscription = {
  subscriptionId: 123_456_789,
  symbols: ["FPT", "VCB"],
  signalTypes: ["SPRING"],
  minScore: 75,
};

describe("the signal-type keyboard of /subscribe", () => {
  it("has a button per signal of the registry, ticked when chosen, then All types and Done", () => {
    const keyboard = signalTypeKeyboard(subscription, vi);
    const buttons = keyboard.flat();
    expect(buttons).toHaveLength(SIGNAL_REGISTRY.length + 2);
    for (const definition of SIGNAL_REGISTRY) {
      const button = buttons.find((b) => b.callbackData === `types:123456789:${definition.type}`);
      expect(button?.text).toBe(
        `${definition.type === "SPRING" ? "✅" : "⬜"} ${definition.label.vi} / ${definition.label.en}`,
      );
    }
    expect(keyboard.at(-1)).toEqual([
      { text: "⬜ Mọi loại / All types", callbackData: "types:123456789:*" },
      { text: "Xong / Done", callbackData: "types:123456789:done" },
    ]);
    expect(signalTypeKeyboard({ ...subscription, signalTypes: null }, en).at(-1)?.[0]?.text).toBe(
      "✅ All types",
    );
  });

  it("keeps every button's data within Telegram's 64 bytes, even for the largest ids", () => {
    const keyboard = signalTypeKeyboard({ ...subscription, subscriptionId: Number.MAX_SAFE_INTEGER }, vi);
    for (const button of keyboard.flat()) {
      expect(Buffer.byteLength(button.callbackData)).toBeLessThanOrEqual(64);
      expect(parseSignalTypeTap(button.callbackData)?.subscriptionId).toBe(Number.MAX_SAFE_INTEGER);
    }
  });

  it("reads its own taps only: known types, a whole id, nothing else", () => {
    expect(parseSignalTypeTap("types:7:SPRING")).toEqual({
      subscriptionId: 7,
      action: { kind: "toggle", type: "SPRING" },
    });
    expect(parseSignalTypeTap("types:7:*")).toEqual({ subscriptionId: 7, action: { kind: "all" } });
    expect(parseSignalTypeTap("types:7:done")).toEqual({ subscriptionId: 7, action: { kind: "done" } });
    for (const bad of [
      "types:7:MOON",
      "types:x:SPRING",
      "types:7:spring",
      "other:7:SPRING",
      "types:-7:*",
      "types:7:*:x",
    ]) {
      expect(parseSignalTypeTap(bad), bad).toBeNull();
    }
  });

  it("toggles a type; none left or all ticked is every type again", () => {
    expect(toggleSignalType(null, "SPRING")).toEqual(["SPRING"]);
    expect(toggleSignalType(["SPRING"], "TEST")).toEqual(["SPRING", "TEST"]);
    expect(toggleSignalType(["SPRING", "TEST"], "SPRING")).toEqual(["TEST"]);
    expect(toggleSignalType(["SPRING"], "SPRING")).toBeNull();
    const allButOne = SIGNAL_TYPES.slice(1);
    expect(toggleSignalType(allButOne, SIGNAL_TYPES[0]!)).toBeNull();
  });

  it("confirms the subscription in the chat's language, with the keyboard while choosing", () => {
    const choosing = subscriptionReply(subscription, en, { existed: false, choosing: true });
    const parsed = parseTelegramHtml(choosing.html);
    expect(parsed).toMatchObject({
      ok: true,
      text: "Subscribed: Spring on FPT, VCB, score 75+.\nTap the signal types you want; none ticked means every type.",
    });
    expect(choosing.keyboard).toBeDefined();
    const done = subscriptionReply(subscription, vi, { existed: true, choosing: false });
    expect(done).toEqual({
      html: "Bạn đã có đăng ký này: Cú lò xo trên FPT, VCB, điểm từ 75. / You already have this subscription: Spring on FPT, VCB, score 75+.",
    });
  });
});
