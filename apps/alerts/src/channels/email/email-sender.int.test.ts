import { simpleParser } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SmtpSink, startSmtpSink } from "../../../../../test-support/smtp-sink.ts";
import { everythingIn, failureOf } from "../../../test/support/error-dump.ts";
import { sampleAlertContent } from "../../../test/support/sample-alert-content.ts";
import { renderChartPng } from "../../chart/render-chart-png.ts";
import { renderChartSvg } from "../../chart/render-chart-svg.ts";
import { type AlertContent, renderAlert } from "../../render/render-alert.ts";
import type { ChannelSender } from "../channel.ts";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { createEmailSender, EMAIL_IMAGE_CID, withInlineImage } from "./email-sender.ts";

const USER = "alerts@vpa.test";
const PASSWORD = "p@ss:w0rd/Secret!";
const FROM = "VPA Alerts <alerts@vpa.test>";

const content: AlertContent = sampleAlertContent({ name: "A<b>&C Ngân hàng" });
const alert = renderAlert(content);
const trader = { subscriberId: 7, address: "trader@example.test" };

let smtp: SmtpSink;
let email: ChannelSender;

beforeAll(async () => {
  smtp = await startSmtpSink({ user: USER, pass: PASSWORD });
  email = createEmailSender({ smtpUrl: smtp.url, from: FROM, maxConnections: 2 });
});

afterAll(async () => {
  await email.close();
  await smtp.close();
});

beforeEach(() => smtp.reset());

function expectNoPassword(error: Error): void {
  const dump = everythingIn(error);
  expect(dump).not.toContain(PASSWORD);
  expect(dump).not.toContain(encodeURIComponent(PASSWORD));
  expect(dump).not.toContain(Buffer.from(PASSWORD).toString("base64"));
}

describe("email sender against a real SMTP sink", () => {
  it("delivers subject, text and HTML parts to the recipient, after AUTH", async () => {
    const receipt = await email.send(trader, alert);

    const [mail] = await smtp.waitForMessages(1);
    expect(mail).toBeDefined();
    expect(mail!.envelopeTo).toEqual(["trader@example.test"]);
    expect(mail!.to).toEqual(["trader@example.test"]);
    expect(mail!.from).toBe('"VPA Alerts" <alerts@vpa.test>');
    expect(mail!.user).toBe(USER);
    expect(smtp.authAttempts).toContainEqual(expect.objectContaining({ username: USER, accepted: true }));
    expect(mail!.subject).toBe("[HIGH] VCB: Selling climax (bull) score 87");
    expect(mail!.text.trim()).toBe(alert.text.trim());
    expect(mail!.text).toContain("Close:      23,450 VND");
    expect(mail!.text).toContain("A<b>&C Ngân hàng");
    expect(mail!.html).toContain("A&lt;b&gt;&amp;C Ngân hàng");
    expect(mail!.html).toContain("<strong>Selling climax</strong>");
    expect(mail!.raw).toMatch(/^Auto-Submitted: auto-generated\r?$/m);
    expect(receipt.providerMessageId).toBe(mail!.messageId);
  });

  it("maps a 550 to RCPT TO to RecipientUnreachableError, without the password", async () => {
    smtp.rejectRecipient("gone@example.test", 550);

    const error = await failureOf(email.send({ subscriberId: 8, address: "gone@example.test" }, alert));

    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(error).toMatchObject({ code: "RECIPIENT_UNREACHABLE", providerStatus: 550, channel: "email" });
    expect(error.message).toContain("User unknown");
    expect(smtp.messages).toHaveLength(0);
    expectNoPassword(error);

    // The pool connection is still good for the next subscriber.
    await email.send(trader, alert);
    expect(smtp.messages).toHaveLength(1);
  });

  it("does not blame the recipient for a 5.7.x policy rejection", async () => {
    smtp.rejectRecipient("policy@example.test", 550, "5.7.1 <policy@example.test>: Relay access denied");
    const error = await failureOf(email.send({ subscriberId: 9, address: "policy@example.test" }, alert));
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: true, providerStatus: 550 });
  });

  it("maps 421 throttling (connection closed by the server) to DeliveryRateLimitedError", async () => {
    const fresh = createEmailSender({ smtpUrl: smtp.url, from: FROM }); // no pooled connection yet
    smtp.throttleNext(1, 421);

    const error = await failureOf(fresh.send(trader, alert));

    expect(error).toBeInstanceOf(DeliveryRateLimitedError);
    expect(error).toMatchObject({ code: "DELIVERY_RATE_LIMITED", retryAfterMs: 60_000 });
    expect(error.message).toContain("421 4.7.0");
    expect(smtp.messages).toHaveLength(0);
    expectNoPassword(error);

    await fresh.send(trader, alert);
    expect(smtp.messages).toHaveLength(1);
    await fresh.close();
  });

  it("re-sends once on a fresh connection when a pooled one was dropped, and no more", async () => {
    const single = createEmailSender({ smtpUrl: smtp.url, from: FROM, maxConnections: 1 });
    await single.send(trader, alert); // leaves one pooled connection open
    smtp.throttleNext(1, 421); // the pooled connection answers 421 and closes: a stale connection
    await single.send(trader, alert);
    expect(smtp.messages).toHaveLength(2);

    smtp.throttleNext(2, 421); // the fresh connection is throttled too: now it is the worker's turn
    const error = await failureOf(single.send(trader, alert));
    await single.close();
    expect(error).toBeInstanceOf(DeliveryRateLimitedError);
    expect(smtp.messages).toHaveLength(2);
  });

  it("maps a 450 deferral to DeliveryRateLimitedError", async () => {
    smtp.throttleNext(1, 450);
    const error = await failureOf(email.send(trader, alert));
    expect(error).toBeInstanceOf(DeliveryRateLimitedError);
  });

  it("reports a rejected login without the password", async () => {
    const wrong = createEmailSender({
      smtpUrl: `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(`${PASSWORD}x`)}@${smtp.host}:${smtp.port}`,
      from: FROM,
    });
    const error = await failureOf(wrong.send(trader, alert));
    await wrong.close();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: false });
    expect(error.message).toContain("authentication");
    expectNoPassword(error);
  });

  it("reports an unreachable server as transient, without the password", async () => {
    const unreachable = createEmailSender({
      smtpUrl: `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:1`,
      from: FROM,
    });
    const error = await failureOf(unreachable.send(trader, alert));
    await unreachable.close();
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ permanent: false });
    expectNoPassword(error);
  });

  it("refuses an address list or a malformed address without talking SMTP", async () => {
    for (const address of [
      "a@example.test, b@example.test",
      "not-an-address",
      "x@y\r\nBcc: z@example.test",
    ]) {
      const error = await failureOf(email.send({ subscriberId: 10, address }, alert));
      expect(error).toBeInstanceOf(RecipientUnreachableError);
    }
    expect(smtp.messages).toHaveLength(0);
  });

  it("sends concurrently through the pool", async () => {
    const recipients = Array.from({ length: 6 }, (_, index) => ({
      subscriberId: index,
      address: `t${index}@example.test`,
    }));
    await Promise.all(recipients.map((recipient) => email.send(recipient, alert)));
    const messages = await smtp.waitForMessages(6);
    expect(messages.map((mail) => mail.to[0]).sort()).toEqual(
      recipients.map((recipient) => recipient.address).sort(),
    );
  });
});

describe("email sender: a message with a chart", () => {
  it("carries the chart as an inline cid: attachment shown under the facts, with its alt text", async () => {
    const bar = { time: "2020-03-23", open: 22, high: 24, low: 21, close: 23.45, volume: 1_000 };
    const png = await renderChartPng(
      renderChartSvg({
        bars: [bar],
        signalIndex: 0,
        support: null,
        resistance: null,
        bias: "bull",
        title: "VCB",
        subtitle: "",
      }),
    );
    await email.send(trader, { ...alert, image: { png, alt: `VCB chart: "A<b>&C"` } });

    const [received] = await smtp.waitForMessages(1);
    // Parse again keeping the cid: links (the sink's parser turns them into data: URIs).
    const mail = await simpleParser(received!.raw, { keepCidLinks: true });
    expect(received!.raw).toMatch(/Content-Type: multipart\/related/i);
    expect(mail.attachments).toHaveLength(1);
    const [attachment] = mail.attachments;
    expect(attachment).toMatchObject({
      contentType: "image/png",
      cid: EMAIL_IMAGE_CID,
      contentDisposition: "inline",
      filename: "chart.png",
    });
    expect(Buffer.from(attachment!.content).equals(Buffer.from(png))).toBe(true);
    const html = String(mail.html);
    expect(html).toContain(`<img src="cid:${EMAIL_IMAGE_CID}" alt="VCB chart: &quot;A&lt;b&gt;&amp;C&quot;"`);
    // Under the facts table, above the disclaimer; the text part is unchanged.
    expect(html.indexOf("cid:")).toBeGreaterThan(html.indexOf("</table>"));
    expect(html.indexOf("cid:")).toBeLessThan(html.indexOf("Not investment advice"));
    expect(received!.text.trim()).toBe(alert.text.trim());
  });

  it("sends no attachment when the message has no image", async () => {
    await email.send(trader, alert);
    const [received] = await smtp.waitForMessages(1);
    expect((await simpleParser(received!.raw)).attachments).toEqual([]);
    expect(received!.raw).not.toMatch(/multipart\/related/i);
  });
});

describe("withInlineImage", () => {
  const image = { png: new Uint8Array(), alt: "chart" };
  it("puts the image after the last table, or before </body>, or at the end", () => {
    expect(withInlineImage("<table></table><p>x</p>", image)).toMatch(/^<table><\/table>\n<p[^>]*><img /);
    expect(withInlineImage("<body><p>x</p></body>", image)).toMatch(
      /<p>x<\/p><p[^>]*><img [^>]*><\/p>\n<\/body>$/,
    );
    expect(withInlineImage("<p>x</p>", image)).toMatch(/^<p>x<\/p><p[^>]*><img /);
  });
});
