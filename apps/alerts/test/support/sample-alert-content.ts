import type { AlertContent } from "../../src/render/render-alert.ts";

/**
 * The spec's own example signal (docs/vpa-signals.md §9: VCB selling climax, score 87, confidence
 * 0.65) as alert content, with market data added; tests override what they are about.
 */
export function sampleAlertContent(overrides: Partial<AlertContent> = {}): AlertContent {
  return {
    symbol: "VCB",
    signalType: "SELLING_CLIMAX",
    bias: "bull",
    score: 87,
    confidence: 0.65,
    priority: "HIGH",
    variant: null,
    close: 23.45,
    volumeRatio: 2.8,
    time: "2020-03-23",
    exchange: "HOSE",
    name: "Ngân hàng TMCP Ngoại thương Việt Nam",
    priceChange: 0.024017,
    ...overrides,
  };
}
