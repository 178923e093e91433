import { SIGNAL_REGISTRY, SIGNAL_TYPES, UnknownSignalTypeError } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { parseTelegramHtml, TELEGRAM_TEXT_MAX_LENGTH } from "../../../../test-support/telegram-stand-in.ts";
import { sampleAlertContent } from "../../test/support/sample-alert-content.ts";
import type { EvidenceFigures } from "../evidence/signal-evidence.ts";
import { LANGUAGES } from "../i18n/language.ts";
import { type AlertContent, renderAlert as renderAlertIn } from "./render-alert.ts";

/** The English rendering: most facts below are checked in English, the Vietnamese ones further down. */
const renderAlert = (content: AlertContent) => renderAlertIn(content, "en");

const vcbSellingClimax: AlertContent = sampleAlertContent();

function expectValidTelegramHtml(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`Telegram would refuse: ${parsed.description}\n${html}`);
  expect(parsed.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_MAX_LENGTH);
  return parsed.text;
}

describe("renderAlert", () => {
  it("builds the subject as [PRIORITY] SYMBOL: Signal (bias) score N", () => {
    expect(renderAlert(vcbSellingClimax).subject).toBe("[HIGH] VCB: Selling climax (bull) score 87");
    expect(
      renderAlert({
        ...vcbSellingClimax,
        symbol: "HPG",
        signalType: "SPRING",
        variant: "shakeout",
        priority: "LOW",
        score: 55,
      }).subject,
    ).toBe("[LOW] HPG: Spring – shakeout (bull) score 55");
    expect(
      renderAlert({
        ...vcbSellingClimax,
        signalType: "NO_DEMAND",
        bias: "bear",
        priority: "MEDIUM",
        score: 61,
      }).subject,
    ).toBe("[MEDIUM] VCB: No demand (bear) score 61");
  });

  it("shows every fact a subscriber needs, in readable units", () => {
    const { text } = renderAlert(vcbSellingClimax);
    expect(text).toContain("VCB · HOSE · Ngân hàng TMCP Ngoại thương Việt Nam");
    expect(text).toContain("Signal:     Selling climax ▲ bull");
    // The registry's explanation, in plain words, under the signal.
    expect(text).toContain(
      "\n            Huge volume on a sharp fall that closes off the low: selling may be exhausted\n",
    );
    expect(text).toContain("Priority:   HIGH");
    expect(text).toContain("Score:      87/100");
    expect(text).toContain("Confidence: 65%");
    // 23.45 thousand VND; +2.4017 % against the previous close of 22.90 = +550 VND
    expect(text).toContain("Close:      23,450 VND");
    expect(text).toContain("Change:     +2.40% (+550 VND)");
    expect(text).toContain("Volume:     2.8× avg vol");
    expect(text).toContain("Bar:        2020-03-23");
  });

  it("shows the Telegram message as the user reads it", () => {
    const visible = expectValidTelegramHtml(renderAlert(vcbSellingClimax).telegramHtml);
    expect(visible).toBe(
      [
        "🟢 VCB · HOSE",
        "Ngân hàng TMCP Ngoại thương Việt Nam",
        "Selling climax ▲ bull",
        "Huge volume on a sharp fall that closes off the low: selling may be exhausted",
        "Priority HIGH · Score 87/100 · Confidence 65%",
        "Close 23,450 VND · +2.40% (+550 VND)",
        "Volume 2.8× avg vol",
        "Bar 2020-03-23",
      ].join("\n"),
    );
  });

  it("marks bearish signals with a down arrow and omits optional facts that are missing", () => {
    const rendered = renderAlert({
      ...vcbSellingClimax,
      signalType: "UPTHRUST",
      bias: "bear",
      exchange: null,
      name: undefined,
      priceChange: null,
    });
    const visible = expectValidTelegramHtml(rendered.telegramHtml);
    expect(visible.split("\n")[0]).toBe("🔴 VCB");
    expect(visible).toContain("Upthrust ▼ bear");
    expect(visible).not.toContain("·  ·");
    expect(rendered.text).not.toContain("Change:");
    expect(rendered.emailHtml).not.toContain(">Change<");
  });

  it("escapes < > & in every dynamic value for Telegram HTML", () => {
    const rendered = renderAlert({
      ...vcbSellingClimax,
      name: "A<b>&C",
      symbol: "<i>X",
      exchange: "H&S>",
      // signalType and variant are not free text any more: their labels come from the registry.
      time: "<script>",
    });
    expect(rendered.telegramHtml).toContain("A&lt;b&gt;&amp;C");
    expect(rendered.telegramHtml).toContain("&lt;i&gt;X");
    expect(rendered.telegramHtml).toContain("H&amp;S&gt;");
    expect(rendered.telegramHtml).not.toContain("<script>");
    const visible = expectValidTelegramHtml(rendered.telegramHtml);
    expect(visible).toContain("A<b>&C");
    expect(visible).toContain("<i>X · H&S>");
  });

  it("escapes dynamic values in the email HTML and keeps the subject on one line", () => {
    const rendered = renderAlert({
      ...vcbSellingClimax,
      name: `A<b>&C "Q" 'S'`,
      symbol: "VCB\r\nBcc: x@evil.test",
    });
    expect(rendered.emailHtml).toContain("A&lt;b&gt;&amp;C &quot;Q&quot; &#39;S&#39;");
    expect(rendered.emailHtml).not.toContain("<b>&C");
    expect(rendered.subject).not.toMatch(/[\r\n]/);
    expect(rendered.subject).toBe("[HIGH] VCB Bcc: x@evil.test: Selling climax (bull) score 87");
  });

  it("renders every signal of the registry, each variant, bias and priority, in both languages, as HTML Telegram accepts", () => {
    // Walks the registry itself: a signal added there is rendered here without touching this test.
    expect(SIGNAL_REGISTRY.map((definition) => definition.type)).toEqual([...SIGNAL_TYPES]);
    for (const language of LANGUAGES) {
      for (const definition of SIGNAL_REGISTRY) {
        const variants: (string | null)[] =
          definition.variant === null ? [null] : Object.keys(definition.variant.labels);
        for (const variant of variants) {
          for (const bias of ["bull", "bear"] as const) {
            for (const priority of ["HIGH", "MEDIUM", "LOW"] as const) {
              const rendered = renderAlertIn(
                {
                  ...vcbSellingClimax,
                  signalType: definition.type,
                  bias,
                  priority,
                  variant,
                  name: 'Công ty Cổ phần <Tập đoàn> Hòa Phát & Co. "HPG"',
                },
                language,
              );
              const visible = expectValidTelegramHtml(rendered.telegramHtml);
              const label = definition.label[language];
              expect(visible, `${language} ${definition.type}`).toContain(label);
              expect(visible).toContain(definition.explanation[language]);
              expect(rendered.text).toContain(definition.explanation[language]);
              expect(rendered.emailHtml).toContain(`<html lang="${language}">`);
              expect(rendered.subject).toContain(label);
              expect(rendered.subject).not.toMatch(/[\r\n]/);
              if (language === "vi") {
                // Vietnamese first, English beside it: the English label and explanation too.
                expect(visible).toContain(definition.label.en);
                expect(visible).toContain(definition.explanation.en);
                expect(visible.indexOf(definition.explanation.vi)).toBeLessThan(
                  visible.indexOf(definition.explanation.en),
                );
              } else if (definition.label.vi !== definition.label.en) {
                expect(visible).not.toContain(definition.label.vi);
              }
            }
          }
        }
      }
    }
  });

  it("fits a Telegram photo caption (1,024 characters) in both languages, so the chart can go with it", () => {
    // The longest listed company names are ~120 characters; the chart goes as a photo whose caption
    // is this message, and only when it fits (channels/telegram-sender.ts).
    const name = "Tổng Công ty Cổ phần Khoan và Dịch vụ Khoan Dầu khí ".repeat(3).slice(0, 120);
    for (const language of LANGUAGES) {
      for (const definition of SIGNAL_REGISTRY) {
        const variants = definition.variant === null ? [null] : Object.keys(definition.variant.labels);
        for (const variant of variants) {
          const rendered = renderAlertIn(
            { ...vcbSellingClimax, signalType: definition.type, variant, name, priority: "MEDIUM" },
            language,
          );
          expect(
            expectValidTelegramHtml(rendered.telegramHtml).length,
            `${language} ${definition.type}`,
          ).toBeLessThanOrEqual(1024);
        }
      }
    }
  });

  it("renders no alert for a signal type the registry does not define (no made-up label)", () => {
    expect(() => renderAlert({ ...vcbSellingClimax, signalType: "SOMETHING_NEW" })).toThrow(
      UnknownSignalTypeError,
    );
  });

  it("caps the Telegram message at 4096 characters, still valid, however long the name", () => {
    const hugeName = "Ngân hàng & <Co> ".repeat(2000);
    const rendered = renderAlert({ ...vcbSellingClimax, name: hugeName, symbol: "A&B".repeat(500) });
    const visible = expectValidTelegramHtml(rendered.telegramHtml);
    expect(visible.length).toBeLessThanOrEqual(4096);
    expect(visible).toContain("…");
    expect(visible).toContain("Bar 2020-03-23"); // the long value is shortened, not the facts after it
  });

  it("formats intraday instants in Vietnam time and survives non-finite numbers", () => {
    const rendered = renderAlert({
      ...vcbSellingClimax,
      time: "2024-05-10T02:15:00Z",
      close: Number.NaN,
      volumeRatio: 0.45,
      priceChange: -0.008143,
    });
    expect(rendered.text).toContain("Bar:        2024-05-10 09:15 (UTC+7)");
    expect(rendered.text).toContain("Close:      n/a");
    expect(rendered.text).toContain("Volume:     0.45× avg vol");
    expect(rendered.text).toContain("Change:     -0.81%"); // no VND amount without a close
    expectValidTelegramHtml(rendered.telegramHtml);
  });

  it("shows a fall as a negative percentage and VND amount (vpa-core's own example record)", () => {
    // docs: {"symbol":"VCB","close":60.9,"priceChange":-0.008143} -> previous close 61.40
    const { text } = renderAlert({ ...vcbSellingClimax, close: 60.9, priceChange: -0.008143 });
    expect(text).toContain("Close:      60,900 VND");
    expect(text).toContain("Change:     -0.81% (-500 VND)");
    expect(renderAlert({ ...vcbSellingClimax, priceChange: 0 }).text).toContain("Change:     0.00% (0 VND)");
  });

  it("is deterministic", () => {
    expect(renderAlert(vcbSellingClimax)).toEqual(renderAlert({ ...vcbSellingClimax }));
  });
});

describe("renderAlert in Vietnamese (vi: Vietnamese first, English beside it)", () => {
  const vi = (content: AlertContent) => renderAlertIn(content, "vi");

  it("shows the Telegram message with Vietnamese words, English beside them, and Vietnamese numbers", () => {
    const visible = expectValidTelegramHtml(vi(vcbSellingClimax).telegramHtml);
    expect(visible).toBe(
      [
        "🟢 VCB · HOSE",
        "Ngân hàng TMCP Ngoại thương Việt Nam",
        "Cao trào bán / Selling climax ▲ tăng / bull",
        "Khối lượng cực lớn khi giá giảm mạnh rồi đóng cửa khỏi đáy: lực bán có thể đã cạn",
        "Huge volume on a sharp fall that closes off the low: selling may be exhausted",
        "Ưu tiên / Priority CAO / HIGH · Điểm / Score 87/100 · Độ tin cậy / Confidence 65 %",
        // 23.45 thousand VND = 23.450 đ; +2,40 % against the previous close of 22.90 = +550 đ
        "Giá đóng cửa / Close 23.450 đ · +2,40 % (+550 đ)",
        "Khối lượng / Volume 2,8× KLTB / avg vol",
        "Phiên / Bar 23/03/2020",
      ].join("\n"),
    );
  });

  it("writes the subject, the plain text and the email in Vietnamese with English beside it", () => {
    const rendered = vi({ ...vcbSellingClimax, close: 60.9, priceChange: -0.008143, volumeRatio: 0.45 });
    expect(rendered.subject).toBe(
      "[CAO / HIGH] VCB: Cao trào bán / Selling climax (tăng / bull) điểm / score 87",
    );
    expect(rendered.text).toContain("Giá đóng cửa / Close:    60.900 đ");
    expect(rendered.text).toContain("Thay đổi / Change:       -0,81 % (-500 đ)");
    expect(rendered.text).toContain("Khối lượng / Volume:     0,45× KLTB / avg vol");
    expect(rendered.text).toContain("Phiên / Bar:             23/03/2020");
    expect(rendered.text).toContain(
      "Cảnh báo tự động của máy quét VPA, không phải khuyến nghị đầu tư. / Automated VPA scanner alert. Not investment advice.",
    );
    expect(rendered.emailHtml).toContain('<html lang="vi">');
    expect(rendered.emailHtml).toContain(">Giá đóng cửa / Close</th>");
    expect(rendered.emailHtml).toContain("60.900 đ");
  });

  it("shows a variant and an intraday bar the Vietnamese way", () => {
    const rendered = vi({
      ...vcbSellingClimax,
      signalType: "SPRING",
      variant: "shakeout",
      time: "2024-05-10T02:15:00Z",
      priority: "MEDIUM",
    });
    const visible = expectValidTelegramHtml(rendered.telegramHtml);
    expect(visible).toContain("Cú lò xo – rũ bỏ / Spring – shakeout ▲ tăng / bull");
    expect(visible).toContain("Ưu tiên / Priority TRUNG BÌNH / MEDIUM");
    expect(visible).toContain("Phiên / Bar 10/05/2024 09:15 (UTC+7)");
  });

  it("quotes a VN30 future in index points, as its traders read it, not as thousand VND", () => {
    const future = {
      ...vcbSellingClimax,
      symbol: "VN30F1M",
      exchange: "HNX",
      name: null,
      close: 1263.4,
      priceChange: 0.0105,
      time: "2023-11-20T03:07:00Z",
    };
    expect(expectValidTelegramHtml(vi(future).telegramHtml)).toContain(
      "Giá đóng cửa / Close 1.263,4 điểm · +1,05 % (+13,1 điểm)",
    );
    expect(renderAlert(future).text).toContain("Close:      1,263.4 points");
  });

  it("still escapes every dynamic value, for Telegram and for email", () => {
    const rendered = vi({ ...vcbSellingClimax, name: `A<b>&C "Q" 'S'`, symbol: "<i>X", time: "<script>" });
    expect(rendered.telegramHtml).toContain("A&lt;b&gt;&amp;C");
    expect(rendered.telegramHtml).toContain("&lt;i&gt;X");
    expect(rendered.telegramHtml).not.toContain("<script>");
    expect(rendered.emailHtml).toContain("A&lt;b&gt;&amp;C &quot;Q&quot; &#39;S&#39;");
    expect(rendered.emailHtml).not.toContain("<script>");
    expect(expectValidTelegramHtml(rendered.telegramHtml)).toContain("<i>X · HOSE");
  });

  it("says n/a in both languages for a number it does not have, and stays valid", () => {
    const rendered = vi({ ...vcbSellingClimax, close: Number.NaN, confidence: Number.POSITIVE_INFINITY });
    const visible = expectValidTelegramHtml(rendered.telegramHtml);
    expect(visible).toContain("Giá đóng cửa / Close không có / n/a");
    expect(visible).toContain("Độ tin cậy / Confidence không có / n/a");
  });

  it("caps the Vietnamese message at 4096 characters too", () => {
    const visible = expectValidTelegramHtml(
      vi({ ...vcbSellingClimax, name: "Ngân hàng & <Co> ".repeat(2000) }).telegramHtml,
    );
    expect(visible).toContain("Phiên / Bar 23/03/2020");
  });
});

describe("renderAlert with the signal's evidence from the track record", () => {
  /** Selling climaxes on HOSE scoring 80+: 58% of 1,240 went up after 5 sessions, chance 51%. */
  const evidence: EvidenceFigures = {
    status: "figures",
    horizon: 5,
    group: {
      level: "type-exchange-score",
      type: "SELLING_CLIMAX",
      bias: "bull",
      exchange: "HOSE",
      scoreBand: "80-100",
    },
    count: 1240,
    hits: 719,
    hitRate: 719 / 1240,
    chanceCount: 1240,
    chanceHitRate: 0.51,
    meanNetReturn: 0.004,
    chanceMeanNetReturn: 0.002,
    edgeInterval: { low: -0.001, high: 0.005 },
    verdict: "no-edge",
    finalThrough: "2020-03-20",
  };

  it("puts one line of it after the explanation, in every channel, and the figures in the webhook's data", () => {
    const rendered = renderAlertIn(vcbSellingClimax, "en", evidence);
    const phrase =
      "Selling climax · HOSE · score 80+: up after 5 sessions 58% of 1,240 times (chance 51%) · no edge";
    expect(expectValidTelegramHtml(rendered.telegramHtml).split("\n").slice(3, 6)).toEqual([
      "Huge volume on a sharp fall that closes off the low: selling may be exhausted",
      `📊 ${phrase}`,
      "Priority HIGH · Score 87/100 · Confidence 65%",
    ]);
    expect(rendered.text).toContain(`selling may be exhausted\n            ${phrase}\nPriority:   HIGH`);
    expect(rendered.emailHtml).toContain(`📊 ${phrase}</p>`);
    expect(rendered.event.data).toEqual({ alert: vcbSellingClimax, evidence });
    expect(rendered.subject).toBe(renderAlert(vcbSellingClimax).subject);
  });

  it("says it in Vietnamese first with the English beside it", () => {
    const visible = expectValidTelegramHtml(renderAlertIn(vcbSellingClimax, "vi", evidence).telegramHtml);
    expect(visible).toContain(
      "\n📊 Cao trào bán · HOSE · điểm 80+: tăng sau 5 phiên 58 % trong 1.240 lần (ngẫu nhiên 51 %) · không có lợi thế / " +
        "Selling climax · HOSE · score 80+: up after 5 sessions 58 % of 1.240 times (chance 51 %) · no edge\n",
    );
  });

  it("says when there is no history yet, and shows no such line when given no evidence (the ledger's copy)", () => {
    const none = renderAlertIn(vcbSellingClimax, "vi", {
      status: "not-enough-history",
      horizon: 5,
      count: 0,
      minimumCount: 30,
    });
    expect(expectValidTelegramHtml(none.telegramHtml)).toContain(
      "\n📊 Cao trào bán: chưa đủ dữ liệu / Selling climax: not enough history yet\n",
    );
    const ledger = renderAlert(vcbSellingClimax);
    expect(ledger.text).not.toContain("📊");
    expect(ledger.telegramHtml).not.toContain("📊");
    expect(ledger.event.data).toEqual({ alert: vcbSellingClimax });
  });

  it("still fits a Telegram photo caption with the longest evidence line, in both languages", () => {
    const name = "Tổng Công ty Cổ phần Khoan và Dịch vụ Khoan Dầu khí ".repeat(3).slice(0, 120);
    const longest: EvidenceFigures = {
      ...evidence,
      group: { ...evidence.group, exchange: "UPCOM", scoreBand: "70-79" },
      count: 123_456,
      verdict: "worse-than-chance",
    };
    for (const language of LANGUAGES) {
      for (const definition of SIGNAL_REGISTRY) {
        const rendered = renderAlertIn(
          { ...vcbSellingClimax, signalType: definition.type, name, priority: "MEDIUM" },
          language,
          { ...longest, group: { ...longest.group, type: definition.type } },
        );
        expect(
          expectValidTelegramHtml(rendered.telegramHtml).length,
          `${language} ${definition.type}`,
        ).toBeLessThanOrEqual(1024);
      }
    }
  });
});
