import { describe, expect, it } from "vitest";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { secretVariants } from "../redact-secrets.ts";
import { toEmailDeliveryError } from "./email-delivery-error.ts";

/** An error shaped the way nodemailer's `_formatError` shapes it. */
function smtpError(code: string, response: string | null, command: string | null): Error {
  const error = new Error(`Failed${response === null ? "" : `: ${response}`}`) as Error &
    Record<string, unknown>;
  error.code = code;
  if (response !== null) {
    error.response = response;
    error.responseCode = Number(response.slice(0, 3));
  }
  if (command !== null) error.command = command;
  return error;
}

const secrets = secretVariants(["hunter22"]);
const map = (error: unknown) => toEmailDeliveryError(error, "trader@example.test", secrets);

describe("toEmailDeliveryError", () => {
  it.each([
    ["421 4.7.0 Try again later", "MAIL FROM"],
    ["450 4.2.1 Mailbox busy", "RCPT TO"],
    ["451 4.7.1 Greylisted", "RCPT TO"],
    ["452 4.5.3 Too many recipients", "RCPT TO"],
  ])("treats %s as throttling (retry after 60 s)", (response, command) => {
    const error = map(smtpError("EENVELOPE", response, command));
    expect(error).toBeInstanceOf(DeliveryRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 60_000 });
  });

  it("treats other 4xx as transient", () => {
    expect(map(smtpError("EMESSAGE", "454 4.7.0 TLS not available", "DATA"))).toMatchObject({
      permanent: false,
    });
  });

  it.each([550, 551, 553])("treats %i to RCPT TO as an unreachable recipient", (code) => {
    const error = map(smtpError("EENVELOPE", `${code} 5.1.1 <trader@example.test>: User unknown`, "RCPT TO"));
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(error).toMatchObject({ providerStatus: code });
  });

  it("does not blame the recipient for a 550 to MAIL FROM, after DATA, or a 5.7.x policy rejection", () => {
    for (const error of [
      map(smtpError("EENVELOPE", "550 5.1.0 Sender rejected", "MAIL FROM")),
      map(smtpError("EMESSAGE", "550 5.7.1 Message rejected as spam", "DATA")),
      map(smtpError("EENVELOPE", "550 5.7.1 Relay access denied", "RCPT TO")),
    ]) {
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error).toMatchObject({ permanent: true });
    }
  });

  it("treats other 5xx as permanent, except 503 (bad sequence)", () => {
    expect(map(smtpError("EMESSAGE", "552 5.3.4 Message size exceeds limit", "DATA"))).toMatchObject({
      permanent: true,
    });
    expect(map(smtpError("EENVELOPE", "503 5.5.1 Error: need MAIL command", "RCPT TO"))).toMatchObject({
      permanent: false,
    });
  });

  it("treats connection problems and rejected logins as transient", () => {
    expect(map(smtpError("ECONNECTION", null, "CONN"))).toMatchObject({ permanent: false });
    expect(map(smtpError("ETIMEDOUT", null, "CONN"))).toMatchObject({ permanent: false });
    expect(map(smtpError("EAUTH", "535 5.7.8 Error: authentication failed", "AUTH PLAIN"))).toMatchObject({
      permanent: false,
      providerStatus: 535,
    });
  });

  it("redacts the password from the message and the cause", () => {
    const error = map(smtpError("ECONNECTION", "421 cannot log in as user:hunter22", "CONN"));
    expect(JSON.stringify(error)).not.toContain("hunter22");
    expect(error.message).not.toContain("hunter22");
    expect(String((error.cause as Error).message)).not.toContain("hunter22");
  });

  it("says what failed, at which SMTP command, with the server's first reply line", () => {
    const error = map(
      smtpError("EENVELOPE", "550 5.1.1 <trader@example.test>: User unknown\r\n550 more detail", "RCPT TO"),
    );
    expect(error.message).toBe(
      "Email to trader@example.test failed at RCPT TO: 550 5.1.1 <trader@example.test>: User unknown",
    );
    const bare = map(Object.assign(new Error("socket hang up"), { code: "ESOCKET" }));
    expect(bare.message).toBe("Email to trader@example.test failed: socket hang up");
    expect(bare).toBeInstanceOf(DeliveryFailedError);
    expect(bare).toMatchObject({ permanent: false });
  });

  it("names a rejected login as such, with the server's reply when there is one", () => {
    const withReply = map(smtpError("EAUTH", "535 5.7.8 authentication failed", "AUTH PLAIN"));
    expect(withReply.message).toBe(
      "Email to trader@example.test failed: SMTP authentication rejected (535 5.7.8 authentication failed)",
    );
    const noAuth = map(smtpError("ENOAUTH", null, "AUTH"));
    expect(noAuth.message).toBe("Email to trader@example.test failed: SMTP authentication rejected");
    expect(noAuth).toMatchObject({ permanent: false, providerStatus: null });
  });

  it.each(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ETLS", "EPROTOCOL", "EPROXY"])(
    "treats %s (no reply) as a transient failure",
    (code) => {
      const error = map(smtpError(code, null, "CONN"));
      expect(error).toBeInstanceOf(DeliveryFailedError);
      expect(error).toMatchObject({ permanent: false, channel: "email" });
    },
  );

  it("blames the address nodemailer refused before any exchange, and a message it could not build is permanent", () => {
    expect(map(smtpError("EENVELOPE", null, null))).toBeInstanceOf(RecipientUnreachableError);
    const unbuildable = map(smtpError("EMESSAGE", null, null));
    expect(unbuildable).toBeInstanceOf(DeliveryFailedError);
    expect(unbuildable).toMatchObject({ permanent: true });
  });

  it("reads the reply code's class at its edges: 400 and 499 transient, 500 and 599 permanent", () => {
    expect(map(smtpError("EMESSAGE", "400 odd", "DATA"))).toMatchObject({
      permanent: false,
      providerStatus: 400,
    });
    expect(map(smtpError("EMESSAGE", "499 odd", "DATA"))).toMatchObject({
      permanent: false,
      providerStatus: 499,
    });
    expect(map(smtpError("EX", "500 odd", "DATA"))).toMatchObject({ permanent: true, providerStatus: 500 });
    expect(map(smtpError("EX", "599 odd", "DATA"))).toMatchObject({ permanent: true, providerStatus: 599 });
    // Not an SMTP reply class: an unknown failure, tried again.
    expect(map(smtpError("EX", "600 odd", "DATA"))).toMatchObject({ permanent: false, providerStatus: 600 });
    expect(map(smtpError("EX", "399 odd", "DATA"))).toMatchObject({ permanent: false, providerStatus: 399 });
  });

  it("a 550 to RCPT TO with a 5.7 enhanced code is a policy rejection, other enhanced codes blame the mailbox", () => {
    expect(map(smtpError("EENVELOPE", "550-5.7.26 unauthenticated sender", "RCPT TO"))).toBeInstanceOf(
      DeliveryFailedError,
    );
    expect(map(smtpError("EENVELOPE", "551 5.1.6 user moved", "RCPT TO"))).toBeInstanceOf(
      RecipientUnreachableError,
    );
    expect(map(smtpError("EENVELOPE", "553 mailbox name invalid", "RCPT TO"))).toBeInstanceOf(
      RecipientUnreachableError,
    );
  });

  it("never throws on something that is not an error", () => {
    const error = map("connection reset");
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.message).toBe("Email to trader@example.test failed: connection reset");
    expect(map(null)).toMatchObject({ permanent: false, providerStatus: null });
  });
});
