import { describe, expect, it } from "vitest";
import { evidencePhrase } from "./evidence-phrase.ts";
import type { EvidenceFigures, SignalEvidence } from "./signal-evidence.ts";

/** SPRING on HOSE, score 70–79: 58% of 1,240 went up after 5 sessions, chance 51%. */
const spring: EvidenceFigures = {
  status: "figures",
  horizon: 5,
  group: { level: "type-exchange-score", type: "SPRING", bias: "bull", exchange: "HOSE", scoreBand: "70-79" },
  count: 1240,
  hits: 719,
  hitRate: 719 / 1240,
  chanceCount: 1240,
  chanceHitRate: 0.5081,
  meanNetReturn: 0.012,
  chanceMeanNetReturn: 0.002,
  edgeInterval: { low: 0.004, high: 0.016 },
  verdict: "edge",
  finalThrough: "2021-07-05",
};

describe("evidencePhrase", () => {
  it("says in English how the group did, against chance, in the English number format", () => {
    expect(evidencePhrase(spring, { language: "en", signalType: "SPRING" })).toBe(
      "Spring · HOSE · score 70–79: up after 5 sessions 58% of 1,240 times (chance 51%)",
    );
  });

  it("says it in Vietnamese first with the English beside it, numbers the Vietnamese way in both", () => {
    expect(evidencePhrase(spring, { language: "vi", signalType: "SPRING" })).toBe(
      "Cú lò xo · HOSE · điểm 70–79: tăng sau 5 phiên 58 % trong 1.240 lần (ngẫu nhiên 51 %) / " +
        "Spring · HOSE · score 70–79: up after 5 sessions 58 % of 1.240 times (chance 51 %)",
    );
  });

  it("marks a group that did no better than chance, or worse, plainly", () => {
    const noEdge = { ...spring, verdict: "no-edge" } as const;
    expect(evidencePhrase(noEdge, { language: "en", signalType: "SPRING" })).toMatch(
      /\(chance 51%\) · no edge$/,
    );
    expect(evidencePhrase(noEdge, { language: "vi", signalType: "SPRING" })).toBe(
      "Cú lò xo · HOSE · điểm 70–79: tăng sau 5 phiên 58 % trong 1.240 lần (ngẫu nhiên 51 %) · không có lợi thế / " +
        "Spring · HOSE · score 70–79: up after 5 sessions 58 % of 1.240 times (chance 51 %) · no edge",
    );
    const worse = { ...spring, verdict: "worse-than-chance" } as const;
    expect(evidencePhrase(worse, { language: "en" })).toMatch(/ · worse than chance$/);
    expect(evidencePhrase(worse, { language: "vi" })).toContain(" · kém hơn ngẫu nhiên / ");
  });

  it("reads down for a bear signal", () => {
    const noDemand: EvidenceFigures = {
      ...spring,
      group: { level: "type-score", type: "NO_DEMAND", bias: "bear", exchange: null, scoreBand: "60-69" },
      count: 312,
      hitRate: 0.61,
      chanceHitRate: 0.55,
    };
    expect(evidencePhrase(noDemand, { language: "en", signalType: "NO_DEMAND" })).toBe(
      "No demand · score 60–69: down after 5 sessions 61% of 312 times (chance 55%)",
    );
    expect(evidencePhrase(noDemand, { language: "vi", signalType: "NO_DEMAND" })).toBe(
      "Không có cầu · điểm 60–69: giảm sau 5 phiên 61 % trong 312 lần (ngẫu nhiên 55 %) / " +
        "No demand · score 60–69: down after 5 sessions 61 % of 312 times (chance 55 %)",
    );
  });

  it("names the group it fell back to; without the signal (a digest line) only what narrows it", () => {
    const typeScore: EvidenceFigures = {
      ...spring,
      group: { ...spring.group, level: "type-score", exchange: null, scoreBand: "80-100" },
    };
    const type: EvidenceFigures = {
      ...spring,
      group: { ...spring.group, level: "type", exchange: null, scoreBand: null },
    };
    expect(evidencePhrase(typeScore, { language: "en", signalType: "SPRING" })).toMatch(
      /^Spring · score 80\+: up/,
    );
    expect(evidencePhrase(type, { language: "en", signalType: "SPRING" })).toMatch(
      /^Spring: up after 5 sessions/,
    );
    expect(evidencePhrase(spring, { language: "en" })).toMatch(/^HOSE · score 70–79: up after/);
    expect(evidencePhrase(typeScore, { language: "en" })).toMatch(/^score 80\+: up after/);
    expect(evidencePhrase(type, { language: "en" })).toMatch(/^all scores: up after/);
    expect(evidencePhrase(type, { language: "vi" })).toMatch(
      /^mọi mức điểm: tăng sau 5 phiên .* \/ all scores: up/,
    );
  });

  it("says there is not enough history yet, with how many outcomes there are when some", () => {
    const none: SignalEvidence = { status: "not-enough-history", horizon: 5, count: 0, minimumCount: 30 };
    expect(evidencePhrase(none, { language: "en" })).toBe("not enough history yet");
    expect(evidencePhrase(none, { language: "vi" })).toBe("chưa đủ dữ liệu / not enough history yet");
    const some: SignalEvidence = { ...none, count: 12 };
    expect(evidencePhrase(some, { language: "en", signalType: "SPRING" })).toBe(
      "Spring: not enough history yet (12 of 30 outcomes)",
    );
    expect(evidencePhrase(some, { language: "vi", signalType: "SPRING" })).toBe(
      "Cú lò xo: chưa đủ dữ liệu (12/30 kết quả) / Spring: not enough history yet (12 of 30 outcomes)",
    );
  });

  it("says the track record is of daily bars for an intraday signal", () => {
    expect(evidencePhrase({ status: "not-tracked" }, { language: "en" })).toBe(
      "the track record covers daily bars only",
    );
    expect(evidencePhrase({ status: "not-tracked" }, { language: "vi", signalType: "SPRING" })).toBe(
      "Cú lò xo: hồ sơ tín hiệu chỉ có cho nến ngày / Spring: the track record covers daily bars only",
    );
  });
});
