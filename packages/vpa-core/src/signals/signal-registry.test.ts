/**
 * The contract every registered signal keeps. It walks SIGNAL_REGISTRY, so a new signal (one file
 * plus one registry line) is held to it without editing this file: labels in both languages;
 * declarations that match its gate and score (prefilter condition, ratios, v1.1 zero averages);
 * the compiled selection equal to the plain priority loop; and, on real and generated data, the
 * warm-up, determinism and batch = columnar = streaming.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  columnsToBars,
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
} from "../../test/support/daily-bars-csv.ts";
import { generateIlliquidSeries, generateSeries, seededRandom } from "../../test/support/generated-series.ts";
import { randomFeatures } from "../../test/support/random-features.ts";
import { analyze, analyzeColumns } from "../analysis/analyze.ts";
import type { BarFeatures } from "../analysis/bar-features.ts";
import { meetsPrefilterCondition } from "../analysis/gate-prefilter.ts";
import { createStreamingAnalyzer } from "../analysis/streaming-analyzer.ts";
import { ENTRY_SIGNAL_TYPES } from "../backtest/backtest-config.ts";
import type { Bar, BarColumns } from "../bar.ts";
import { SIGNAL_TYPES } from "../signal-type.ts";
import type { Trend } from "../trend.ts";
import { WARM_UP_BARS } from "../vpa-parameters.ts";
import type { SignalRecord, VpaRecord } from "../vpa-record.ts";
import { selectSignal } from "./select-signals.ts";
import type { SignalText } from "./signal-definition.ts";
import { agreeingTrendOf, biasInTrend, canHaveBias } from "./signal-definition.ts";
import {
  findSignalDefinition,
  getSignalDefinition,
  SIGNAL_REGISTRY,
  signalCandidates,
  signalSelector,
} from "./signal-registry.ts";

const VIETNAMESE_LETTER = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i;
const TRENDS: readonly Trend[] = ["up", "down", "flat"];
const RANDOM_FEATURE_SETS = 50_000;

function expectReadableText(text: SignalText, where: string): void {
  for (const language of ["en", "vi"] as const) {
    const value = text[language];
    expect(value.trim(), `${where}.${language}`).not.toBe("");
    expect(value, `${where}.${language}: one line, no stray spaces`).toMatch(/^\S(.*\S)?$/);
  }
  expect(text.vi, `${where}.vi is Vietnamese`).toMatch(VIETNAMESE_LETTER);
}

describe("the registry", () => {
  it("lists each type once, and SIGNAL_TYPES is its list of types", () => {
    const types = SIGNAL_REGISTRY.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
    expect(SIGNAL_TYPES).toEqual(types);
    for (const type of SIGNAL_TYPES) expect(getSignalDefinition(type).type).toBe(type);
    expect(findSignalDefinition("NOT_A_SIGNAL")).toBeUndefined();
    expect(() => getSignalDefinition("NOT_A_SIGNAL")).toThrow(
      expect.objectContaining({ code: "UNKNOWN_SIGNAL_TYPE", signalType: "NOT_A_SIGNAL", variant: null }),
    );
  });

  it("keeps the §3 priority order of the spec's signals", () => {
    const specPriority = [
      "SELLING_CLIMAX",
      "BUYING_CLIMAX",
      "SPRING",
      "UPTHRUST",
      "STOPPING_VOLUME",
      "EFFORT_TO_RISE",
      "EFFORT_TO_FALL",
      "TEST",
      "NO_SUPPLY",
      "NO_DEMAND",
      "ABSORPTION",
    ];
    expect(SIGNAL_TYPES.filter((type) => specPriority.includes(type))).toEqual(specPriority);
  });

  it("gives the spec's signals the §3 bias and the §4 agreeing trend", () => {
    const bull = ["SELLING_CLIMAX", "SPRING", "STOPPING_VOLUME", "EFFORT_TO_RISE", "NO_SUPPLY", "TEST"];
    const bear = ["BUYING_CLIMAX", "UPTHRUST", "EFFORT_TO_FALL", "NO_DEMAND"];
    const agreesDown = ["SELLING_CLIMAX", "SPRING", "STOPPING_VOLUME", "EFFORT_TO_FALL", "NO_SUPPLY", "TEST"];
    for (const definition of SIGNAL_REGISTRY) {
      const { type } = definition;
      if (bull.includes(type) || bear.includes(type)) {
        const bias = bull.includes(type) ? "bull" : "bear";
        expect(
          TRENDS.map((trend) => biasInTrend(definition, trend)),
          type,
        ).toEqual([bias, bias, bias]);
        expect(agreeingTrendOf(definition, bias), type).toBe(agreesDown.includes(type) ? "down" : "up");
      }
    }
    // The backtest opens long positions on every type that can be bullish.
    for (const type of [...bull, "ABSORPTION"]) expect(ENTRY_SIGNAL_TYPES).toContain(type);
    for (const type of bear) expect(ENTRY_SIGNAL_TYPES).not.toContain(type);
    const absorption = getSignalDefinition("ABSORPTION");
    expect(TRENDS.map((trend) => biasInTrend(absorption, trend))).toEqual(["bear", "bull", null]);
    expect([agreeingTrendOf(absorption, "bull"), agreeingTrendOf(absorption, "bear")]).toEqual([
      "down",
      "up",
    ]);
  });

  it("offers each bias and trend the signals of that bias in priority order", () => {
    for (const bias of ["bull", "bear"] as const) {
      for (const trend of TRENDS) {
        expect(signalCandidates(bias, trend)).toEqual(
          SIGNAL_REGISTRY.filter((definition) => biasInTrend(definition, trend) === bias),
        );
      }
    }
  });
});

describe.each(SIGNAL_REGISTRY.map((definition) => [definition.type, definition] as const))(
  "%s",
  (type, definition) => {
    it("has a label and a one-line explanation in English and Vietnamese", () => {
      expectReadableText(definition.label, `${type}.label`);
      expectReadableText(definition.explanation, `${type}.explanation`);
      expect(definition.explanation.vi).not.toBe(definition.explanation.en);
      for (const other of SIGNAL_REGISTRY) {
        if (other === definition) continue;
        expect(other.label.en, `${type} and ${other.type} share a label`).not.toBe(definition.label.en);
        expect(other.label.vi, `${type} and ${other.type} share a label`).not.toBe(definition.label.vi);
      }
      const variantLabels: Readonly<Record<string, SignalText | undefined>> =
        definition.variant?.labels ?? {};
      for (const [variant, text] of Object.entries(variantLabels)) {
        expectReadableText(text!, `${type}.variant.${variant}`);
      }
    });

    it("can be read with some bias", () => {
      expect(canHaveBias(definition, "bull") || canHaveBias(definition, "bear")).toBe(true);
    });

    it("declares its gate truthfully: prefilter condition, ratios tested, score terms (v1.1 zero averages)", () => {
      const next = seededRandom(7);
      let held = 0;
      for (let i = 0; i < RANDOM_FEATURE_SETS; i++) {
        const f = randomFeatures(next);
        // Plain checks, not expect(): this loop runs 50,000 times per signal.
        const fail = (problem: string): never => {
          throw new Error(`${type}: ${problem}: ${JSON.stringify(f)}`);
        };
        const gate = definition.gate(f);
        if (gate) held++;
        if (gate && !meetsPrefilterCondition(definition.prefilter, f)) {
          fail("the gate holds but its prefilter condition does not");
        }
        const withoutVr: BarFeatures = { ...f, vr: Number.NaN };
        const withoutSr: BarFeatures = { ...f, sr: Number.NaN };
        // A gate that tests a ratio cannot hold without it; one that does not, does not notice.
        if (definition.gate(withoutVr) !== (definition.gateRatios.vr ? false : gate))
          fail("gateRatios.vr is wrong");
        if (definition.gate(withoutSr) !== (definition.gateRatios.sr ? false : gate))
          fail("gateRatios.sr is wrong");
        // Every term is in [0, 1]; one built on an undefined ratio counts 0, the others do not change.
        for (const term of [definition.volumeScore, definition.spreadScore, definition.closeScore]) {
          for (const features of [f, withoutVr, withoutSr]) {
            const value = term(features);
            if (!(value >= 0 && value <= 1)) fail(`score term ${value} outside [0, 1]`);
          }
        }
        const volumeWithoutVr = definition.volumeScore(withoutVr);
        if (volumeWithoutVr !== 0 && volumeWithoutVr !== definition.volumeScore(f)) {
          fail("sv neither ignores an undefined vr nor counts 0");
        }
        const spreadWithoutSr = definition.spreadScore(withoutSr);
        if (spreadWithoutSr !== 0 && spreadWithoutSr !== definition.spreadScore(f)) {
          fail("ss neither ignores an undefined sr nor counts 0");
        }
        const closeScore = definition.closeScore(f);
        if (
          definition.closeScore(withoutVr) !== closeScore ||
          definition.closeScore(withoutSr) !== closeScore
        ) {
          fail("sc depends on vr or sr");
        }
      }
      // The random features do reach this gate.
      expect(held).toBeGreaterThan(50);
    });
  },
);

describe("v1.1 zero averages in the §4 score table", () => {
  it("sv counts 0 without vr except for the quiet signals; ss counts 0 without sr except for SPRING", () => {
    // §4: NO_DEMAND / NO_SUPPLY / TEST score volume on volume / min(previous two), not vr;
    // SPRING scores its spread term on the penetration in ATRs, not sr.
    const svNotOnVr = ["NO_DEMAND", "NO_SUPPLY", "TEST"];
    const ssNotOnSr = ["SPRING"];
    const next = seededRandom(11);
    const samples = Array.from({ length: 2_000 }, () => randomFeatures(next));
    for (const definition of SIGNAL_REGISTRY) {
      const svValues = samples.map((f) => definition.volumeScore({ ...f, vr: Number.NaN }));
      const ssValues = samples.map((f) => definition.spreadScore({ ...f, sr: Number.NaN }));
      if (!svNotOnVr.includes(definition.type))
        expect(
          svValues.every((v) => v === 0),
          definition.type,
        ).toBe(true);
      else
        expect(
          svValues.some((v) => v > 0),
          definition.type,
        ).toBe(true);
      if (!ssNotOnSr.includes(definition.type))
        expect(
          ssValues.every((v) => v === 0),
          definition.type,
        ).toBe(true);
      else
        expect(
          ssValues.some((v) => v > 0),
          definition.type,
        ).toBe(true);
    }
  });
});

describe("the compiled selection", () => {
  it("picks what the plain priority loop picks, for each bias and trend (random features)", () => {
    const next = seededRandom(3);
    const picked = new Set<string>();
    for (let i = 0; i < RANDOM_FEATURE_SETS; i++) {
      const f = randomFeatures(next);
      for (const bias of ["bull", "bear"] as const) {
        const expected = selectSignal(signalCandidates(bias, f.trend), f);
        const actual = signalSelector(bias, f.trend)(f);
        if (actual !== expected) {
          throw new Error(`${bias}: compiled ${actual?.type} ≠ loop ${expected?.type}: ${JSON.stringify(f)}`);
        }
        if (actual !== null) picked.add(`${bias} ${actual.type}`);
      }
    }
    // Every signal wins the priority contest somewhere, with each bias it can have.
    for (const definition of SIGNAL_REGISTRY) {
      for (const bias of ["bull", "bear"] as const) {
        if (canHaveBias(definition, bias))
          expect(picked, `${bias} ${definition.type}`).toContain(`${bias} ${definition.type}`);
      }
    }
  });
});

describe("on real and generated data", () => {
  interface Series {
    readonly symbol: string;
    readonly bars: readonly Bar[];
    readonly columns: BarColumns;
  }
  const toColumns = (bars: readonly Bar[]): BarColumns => ({
    time: bars.map((b) => b.time),
    open: Float64Array.from(bars, (b) => b.open),
    high: Float64Array.from(bars, (b) => b.high),
    low: Float64Array.from(bars, (b) => b.low),
    close: Float64Array.from(bars, (b) => b.close),
    volume: Float64Array.from(bars, (b) => b.volume),
  });
  const stream = (symbol: string, bars: readonly Bar[]): VpaRecord[] => {
    const analyzer = createStreamingAnalyzer(symbol);
    return bars.flatMap((bar) => analyzer.update(bar));
  };

  const corpus: Series[] = [];
  const batch = new Map<string, VpaRecord[]>();
  const signals: { readonly record: SignalRecord; readonly index: number }[] = [];

  beforeAll(async () => {
    const fixture = await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH);
    for (const { symbol, columns } of fixture.series)
      corpus.push({ symbol, bars: columnsToBars(columns), columns });
    for (let seed = 1; seed <= 8; seed++) {
      const generated = generateSeries(1_500, seed);
      corpus.push({ symbol: `GEN${seed}`, bars: generated, columns: toColumns(generated) });
      const illiquid = generateIlliquidSeries(1_200, seed);
      corpus.push({ symbol: `ILQ${seed}`, bars: illiquid, columns: toColumns(illiquid) });
    }
    for (const series of corpus) {
      const records = analyze(series.symbol, series.bars);
      batch.set(series.symbol, records);
      const indexOf = new Map(series.bars.map((bar, i) => [bar.time, i]));
      for (const record of records) {
        if (record.kind === "signal") signals.push({ record, index: indexOf.get(record.time)! });
      }
    }
  });

  it("batch = columnar = streaming, series by series", () => {
    for (const series of corpus) {
      const expected = batch.get(series.symbol)!;
      // JSON text, so that an undefined ratio (NaN) compares as the null it is written as.
      expect(JSON.stringify(analyzeColumns(series.symbol, series.columns)), series.symbol).toBe(
        JSON.stringify(expected),
      );
      expect(stream(series.symbol, series.bars), series.symbol).toEqual(expected);
    }
  });

  it("is deterministic: the same records again, whatever was analysed in between", () => {
    for (const series of [...corpus].reverse()) {
      expect(JSON.stringify(analyze(series.symbol, series.bars)), series.symbol).toBe(
        JSON.stringify(batch.get(series.symbol)),
      );
    }
  });

  it("emits every registered signal, with each bias it can have, and none before the warm-up", () => {
    const seen = new Set(signals.map(({ record }) => `${record.bias} ${record.type}`));
    for (const definition of SIGNAL_REGISTRY) {
      for (const bias of ["bull", "bear"] as const) {
        if (canHaveBias(definition, bias))
          expect(seen, `${bias} ${definition.type}`).toContain(`${bias} ${definition.type}`);
      }
    }
    expect(signals.filter(({ index }) => index < WARM_UP_BARS)).toEqual([]);
  });

  it("emits records its definition accounts for: bias, variant with labels, integer score", () => {
    for (const { record } of signals) {
      const definition = findSignalDefinition(record.type);
      expect(definition, record.type).toBeDefined();
      expect(record.bias).toBe(biasInTrend(definition!, record.features.trend));
      expect(Number.isInteger(record.score) && record.score >= 0 && record.score <= 100).toBe(true);
      if (definition!.variant === null) expect(record.variant).toBe(null);
      else
        expectReadableText(
          definition!.variant.labels[record.variant!]!,
          `${record.type}.variant.${record.variant}`,
        );
    }
  });
});
