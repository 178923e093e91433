import { describe, expect, it } from "vitest";
import { alertPriority } from "./alert-priority.ts";
import { confirmationOutcome } from "./analysis/confirmation-outcome.ts";
import { signalConfidenceHundredths } from "./analysis/signal-confidence.ts";
import type { Bias, SignalType } from "./signal-type.ts";
import { linearScore, signalScore } from "./signals/linear-score.ts";
import { agreeingTrendOf } from "./signals/signal-definition.ts";
import { getSignalDefinition } from "./signals/signal-registry.ts";
import { trendContext } from "./signals/trend-agreement.ts";
import { classifyTrend } from "./trend.ts";

describe("classifyTrend", () => {
  it("is up/down strictly beyond ±0.5 ATR, flat otherwise and when the ATR is 0 or undefined", () => {
    expect(classifyTrend(0.6, 1)).toBe("up");
    expect(classifyTrend(0.5, 1)).toBe("flat");
    expect(classifyTrend(-0.5, 1)).toBe("flat");
    expect(classifyTrend(-0.6, 1)).toBe("down");
    expect(classifyTrend(5, 0)).toBe("flat");
    expect(classifyTrend(5, Number.NaN)).toBe("flat");
    expect(classifyTrend(Number.NaN, 1)).toBe("flat");
  });
});

describe("linearScore", () => {
  it("maps the gate threshold to 0 and the extreme to 1, clamped, in both directions", () => {
    expect(linearScore(3, 2, 4)).toBe(0.5);
    expect(linearScore(1, 2, 4)).toBe(0);
    expect(linearScore(9, 2, 4)).toBe(1);
    expect(linearScore(0.75, 1, 0.5)).toBe(0.5);
    expect(linearScore(0.2, 1, 0.5)).toBe(1);
    expect(linearScore(Number.NaN, 1, 0.5)).toBe(0);
  });

  it("combines as round(context × (40·sv + 30·ss + 30·sc))", () => {
    expect(signalScore(1, 1, 1, 1)).toBe(100);
    expect(signalScore(0.7, 1, 1, 1)).toBe(70);
    // 0.85 × 50 evaluates to exactly 42.5 in binary floating point, and Math.round rounds .5 up.
    expect(signalScore(0.85, 0.5, 0.5, 0.5)).toBe(43);
  });
});

describe("trend agreement and context", () => {
  it("follows the §4 table", () => {
    const agreeingTrend = (type: SignalType, bias: Bias) => agreeingTrendOf(getSignalDefinition(type), bias);
    expect(agreeingTrend("SELLING_CLIMAX", "bull")).toBe("down");
    expect(agreeingTrend("TEST", "bull")).toBe("down");
    expect(agreeingTrend("EFFORT_TO_RISE", "bull")).toBe("up");
    expect(agreeingTrend("NO_DEMAND", "bear")).toBe("up");
    expect(agreeingTrend("ABSORPTION", "bull")).toBe("down");
    expect(agreeingTrend("ABSORPTION", "bear")).toBe("up");
    expect([trendContext("down", "down"), trendContext("flat", "down"), trendContext("up", "down")]).toEqual([
      1, 0.85, 0.7,
    ]);
  });
});

describe("signalConfidenceHundredths", () => {
  it("starts at 50, adds 15 + 15, subtracts 20 once, clamps to [0, 80]", () => {
    expect(signalConfidenceHundredths(false, false, false)).toBe(50);
    expect(signalConfidenceHundredths(true, true, false)).toBe(80);
    expect(signalConfidenceHundredths(true, false, false)).toBe(65);
    expect(signalConfidenceHundredths(false, false, true)).toBe(30);
    expect(signalConfidenceHundredths(true, true, true)).toBe(60);
  });
});

describe("confirmationOutcome", () => {
  it("confirms, fails or says nothing (§6)", () => {
    expect(confirmationOutcome("bull", 101, 100, 97, 102)).toBe("confirmed");
    expect(confirmationOutcome("bull", 100, 100, 97, 102)).toBe(null);
    expect(confirmationOutcome("bull", 97, 100, 97, 102)).toBe(null);
    expect(confirmationOutcome("bull", 96.9, 100, 97, 102)).toBe("failed");
    expect(confirmationOutcome("bear", 99, 100, 97, 102)).toBe("confirmed");
    expect(confirmationOutcome("bear", 102, 100, 97, 102)).toBe(null);
    expect(confirmationOutcome("bear", 102.1, 100, 97, 102)).toBe("failed");
  });
});

describe("alertPriority (§7)", () => {
  it("is HIGH at score >= 80 and confidence >= 0.65, MEDIUM at score >= 60, else LOW", () => {
    expect(alertPriority(80, 0.65)).toBe("HIGH");
    expect(alertPriority(79, 0.8)).toBe("MEDIUM");
    expect(alertPriority(80, 0.64)).toBe("MEDIUM");
    expect(alertPriority(60, 0)).toBe("MEDIUM");
    expect(alertPriority(59, 0.8)).toBe("LOW");
  });
});
