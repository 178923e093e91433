import { analyzeColumns, computeTrackRecord, type SignalRecord, type TrackRecord } from "@vpa/core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_DAILY_DATA_PATH,
  readDailyBarsCsvGz,
} from "../../../../packages/vpa-core/test/support/daily-bars-csv.ts";
import { renderStudyReportHtml } from "./render-study-html.ts";

let record: TrackRecord;
let html: string;

beforeAll(async () => {
  const { series } = await readDailyBarsCsvGz(FIXTURE_DAILY_DATA_PATH);
  record = computeTrackRecord(
    series.map((s) => ({
      symbol: s.symbol,
      exchange: "HOSE",
      columns: s.columns,
      signals: analyzeColumns(s.symbol, s.columns).filter((r): r is SignalRecord => r.kind === "signal"),
    })),
    { seed: 3, resamples: 200, to: "2021-07-15" },
  );
  html = renderStudyReportHtml({ record, universe: "VN30 <fixture>", missing: ["X&Y"], horizon: 5 });
});

/** The edge each dot of the edge chart encodes, read back through its panel's declared scale. */
function edgesDrawn(): Map<string, number> {
  const svg = html.slice(
    html.indexOf('<svg id="edge-chart"'),
    html.indexOf("</svg>", html.indexOf('<svg id="edge-chart"')),
  );
  const drawn = new Map<string, number>();
  for (const panel of svg.split('<g class="panel"').slice(1)) {
    const attr = (name: string) => Number(new RegExp(`${name}="([^"]+)"`).exec(panel)![1]);
    const [xMax, zero, half] = [attr("data-x-max"), attr("data-zero-x"), attr("data-half-width")];
    for (const m of panel.matchAll(
      /data-key="(\w+)" data-bias="(\w+)" data-h="(\d+)"[^>]*>.*?<circle cx="([\d.]+)"/g,
    ))
      drawn.set(`${m[1]}|${m[2]}|${m[3]}`, ((Number(m[4]) - zero) / half) * xMax);
  }
  return drawn;
}

describe("study report", () => {
  it("draws every type's edge over chance at every horizon from the record", () => {
    const drawn = edgesDrawn();
    const types = record.groups.filter((g) => g.dimension === "type" && g.edge.mean !== null);
    expect(drawn.size).toBe(types.length);
    for (const g of types) {
      const xMax = Number(new RegExp(`data-panel-h="${g.horizon}" data-x-max="([^"]+)"`).exec(html)![1]);
      // Coordinates carry 2 decimals: 0.005 px of a ~90 px half-panel.
      expect(Math.abs(drawn.get(`${g.key}|${g.bias}|${g.horizon}`)! - g.edge.mean!)).toBeLessThan(
        xMax / 5000,
      );
    }
  });

  it("says plainly which signals had an edge at the chosen horizon", () => {
    const box = (className: string, vi: string) => {
      const start = html.indexOf(`<b class="${className}">${vi}`);
      return html.slice(start, html.indexOf("</div>", start));
    };
    for (const g of record.groups.filter((x) => x.dimension === "type" && x.horizon === 5)) {
      const [className, vi] =
        g.verdict === "edge"
          ? ["pos", "có lợi thế"]
          : g.verdict === "worse-than-chance"
            ? ["neg", "kém hơn ngẫu nhiên"]
            : g.verdict === "no-edge"
              ? ["", "không có lợi thế"]
              : ["", "quá ít"];
      expect(box(className, vi), `${g.key} ${g.bias}`).toContain(`(${g.key}) · ${g.bias}`);
    }
  });

  it("plots the reliability of the confidence and tables it", () => {
    const points = [
      ...html.matchAll(
        /class="reliability" data-h="(\d+)" data-band="([^"]+)" data-confidence="([^"]+)" data-hit-rate="([^"]+)"/g,
      ),
    ];
    const expected = record.reliability.filter((r) => r.count > 0);
    expect(points.map((p) => [Number(p[1]), p[2], Number(p[3]), Number(p[4])])).toEqual(
      expected.map((r) => [r.horizon, r.band, r.meanConfidence, r.hitRate]),
    );
    expect(html).toContain('id="reliability"');
  });

  it("has the breakdown tables, edge by year, and the plain statements of bias and costs", () => {
    for (const dimension of ["type", "score", "confidence", "trend", "exchange", "liquidity", "year"])
      expect(html).toContain(`id="by-${dimension}"`);
    expect(html).toContain('<svg id="year-chart"');
    expect(html).toContain("Survivorship bias");
    expect(html).toContain("Thiên lệch sống sót");
    expect(html).toContain("0.15% brokerage each way and the 0.1% sell tax");
    expect(html).toContain("T+2");
    for (const band of ["under-1bn", "70-79", "0.8-1.0"]) expect(html).not.toContain(`>${band}<`);
    expect(html).toContain("70–79");
  });

  it("is self-contained and escapes every dynamic string", () => {
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toContain("<fixture>");
    expect(html).toContain("VN30 &lt;fixture&gt;");
    expect(html).toContain("X&amp;Y");
  });
});
