import { SIGNAL_TYPES, UnknownSignalTypeError } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { parseTelegramHtml, TELEGRAM_TEXT_MAX_LENGTH } from "../../../../test-support/telegram-stand-in.ts";
import { sampleAlertContent } from "../../test/support/sample-alert-content.ts";
import { type AlertContent, renderAlert } from "./render-alert.ts";

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
    expect(text).toContain("Selling climax ▲ bull");
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
        "Priority HIGH · score 87/100 · confidence 65%",
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

  it("produces HTML the Telegram validator accepts for every signal type, bias and priority", () => {
    // Every type the registry defines; an unknown type has no label to render (signal-label.test.ts).
    for (const signalType of SIGNAL_TYPES) {
      for (const bias of ["bull", "bear"] as const) {
        for (const priority of ["HIGH", "MEDIUM", "LOW"] as const) {
          expectValidTelegramHtml(
            renderAlert({
              ...vcbSellingClimax,
              signalType,
              bias,
              priority,
              variant: signalType === "SPRING" ? "spring" : null,
              name: 'Công ty Cổ phần <Tập đoàn> Hòa Phát & Co. "HPG"',
            }).telegramHtml,
          );
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
