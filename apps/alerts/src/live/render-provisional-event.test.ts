import type { ProvisionalAlertEvent } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { DID_NOT_HOLD_EVENT } from "../../../../test-support/provisional-events.ts";
import { renderProvisionalEvent } from "./render-provisional-event.ts";

const provisional: ProvisionalAlertEvent = {
  kind: "provisional",
  timeframe: "1m",
  record: {
    kind: "provisional",
    symbol: "VN30F1M",
    time: "2023-11-20T10:07:00+07:00",
    type: "EFFORT_TO_RISE",
    bias: "bull",
    score: 71,
    confidence: 0.5,
    priority: "MEDIUM",
    variant: null,
    features: { vr: 2.8, sr: 1.4, cl: 0.8, trend: "up", degenerate: false },
    close: 1101.2,
    volume: 360,
    priceChange: 0.0012,
    projection: {
      elapsedFraction: 0.5,
      volumeSoFar: 180,
      projectedVolume: 360,
      timeOfDayVolume: 128,
      evaluatedAt: Date.parse("2023-11-20T10:07:30+07:00"),
    },
  },
};

describe("renderProvisionalEvent (vpa-signals.md §10)", () => {
  it("labels a provisional alert as such in both languages, with how the bar was read", () => {
    const en = renderProvisionalEvent(provisional, "en");
    expect(en.subject).toBe(
      "[PROVISIONAL] VN30F1M 1m bar 2023-11-20 10:07 (UTC+7): Effort to rise (bull), score 71 so far",
    );
    expect(en.text).toContain("50 % of the bar traded; volume on course for 2.8× this time of day's");
    expect(en.text).toContain("this may not hold");
    expect(en.telegramHtml.startsWith("<b>[PROVISIONAL] VN30F1M")).toBe(true);
    expect(en.event.name).toBe("vpa.provisional");
    const vi = renderProvisionalEvent(provisional, "vi");
    expect(vi.subject.startsWith("[TẠM THỜI / PROVISIONAL] VN30F1M nến 1m 20/11/2023 10:07 (UTC+7)")).toBe(
      true,
    );
    expect(vi.text).toContain("Đã qua 50 % thời gian nến; khối lượng dự kiến bằng 2,8×");
    expect(vi.text).toContain("Nến chưa đóng");
  });

  it("says in one line whether it held at the close", () => {
    const base = DID_NOT_HOLD_EVENT;
    expect(renderProvisionalEvent({ ...base, kind: "did-not-hold" }, "en").text).toBe(
      "VN30F1M 1m bar 2023-11-20 10:07 (UTC+7): the provisional Effort to rise did not hold.",
    );
    const held = renderProvisionalEvent({ ...base, kind: "held" }, "vi").text;
    expect(held).toContain("đã giữ được khi nến đóng");
    expect(held).toContain("Effort to rise held at the close.");
  });

  it("escapes every value for Telegram and email", () => {
    const hostile = { ...provisional, record: { ...provisional.record, symbol: "<b>&X" } };
    const message = renderProvisionalEvent(hostile, "en");
    expect(message.telegramHtml).toContain("&lt;b&gt;&amp;X");
    expect(message.emailHtml).toContain("&lt;b&gt;&amp;X");
    expect(message.emailHtml).not.toContain("<b>&X");
  });
});
