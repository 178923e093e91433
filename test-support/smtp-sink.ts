/**
 * A real SMTP server on 127.0.0.1 for tests (smtp-server + mailparser, from the nodemailer
 * authors): the email channel talks real SMTP to it, and every accepted message is parsed back
 * into from/to/subject/text/html so tests assert what a mailbox would show.
 *
 * - AUTH PLAIN/LOGIN with the given user and password (plain TCP, no STARTTLS: loopback only);
 *   without `user`, AUTH is off and mail is accepted from anyone.
 * - Programmable rejections with real reply texts (Postfix wording): `rejectRecipient(address)`
 *   answers RCPT TO with 550 (or another code); `throttleNext(n)` answers MAIL FROM with
 *   421 and closes the connection (as a server shedding load does), or answers RCPT TO with a
 *   450/451/452 deferral.
 * - The reply to DATA is sent only after the message is parsed and recorded, so once the client's
 *   send resolves the message is already in `messages`.
 *
 * @example
 * const smtp = await startSmtpSink({ user: "alerts", pass: "s3cret" });
 * // smtp.url === "smtp://alerts:s3cret@127.0.0.1:<port>"
 * const [mail] = await smtp.waitForMessages(1);
 * await smtp.close();
 */
import type { AddressInfo } from "node:net";
import { type AddressObject, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

export interface ReceivedEmail {
  /** `MAIL FROM` address. */
  readonly envelopeFrom: string | null;
  /** `RCPT TO` addresses that were accepted. */
  readonly envelopeTo: readonly string[];
  /** `From:` header as text, e.g. `VPA Alerts <alerts@example.test>`. */
  readonly from: string;
  /** Addresses in the `To:` header. */
  readonly to: readonly string[];
  readonly subject: string;
  /** The text/plain part, or "" when there is none. */
  readonly text: string;
  /** The text/html part, or null when there is none. */
  readonly html: string | null;
  readonly messageId: string | null;
  /** The authenticated user of the session, or null without AUTH. */
  readonly user: string | null;
  /** The raw message as received. */
  readonly raw: string;
}

export interface SmtpAuthAttempt {
  readonly method: string;
  readonly username: string;
  readonly accepted: boolean;
}

export interface SmtpSinkOptions {
  /** Require AUTH with this user (PLAIN or LOGIN). Omit for no AUTH. */
  readonly user?: string;
  /** Password for `user`. */
  readonly pass?: string;
}

/** SMTP codes `throttleNext` can answer with: 421 at MAIL FROM (connection closed), 45x at RCPT TO. */
export type SmtpThrottleCode = 421 | 450 | 451 | 452;

export interface SmtpSink {
  /** `smtp://user:pass@127.0.0.1:port` (credentials percent-encoded), or without credentials. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Accepted messages, in arrival order. */
  readonly messages: readonly ReceivedEmail[];
  readonly authAttempts: readonly SmtpAuthAttempt[];
  /** Resolves once at least `count` messages arrived; rejects after `timeoutMs` (default 5000). */
  waitForMessages(count: number, timeoutMs?: number): Promise<readonly ReceivedEmail[]>;
  /** Answers RCPT TO for `address` (case-insensitive) with `code` (default 550) from now on. */
  rejectRecipient(address: string, code?: number, message?: string): void;
  /** The next `count` transactions are throttled with `code` (default 421). */
  throttleNext(count: number, code?: SmtpThrottleCode): void;
  /** Forgets messages, auth attempts and programmed rejections. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_REJECTION_TEXTS: Readonly<Record<number, string>> = {
  550: "5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table",
  551: "5.1.6 <%s>: Recipient address rejected: User not local",
  552: "5.2.2 <%s>: Recipient address rejected: Mailbox full",
  553: "5.1.3 <%s>: Recipient address rejected: Bad recipient address syntax",
  554: "5.7.1 <%s>: Recipient address rejected: Access denied",
  450: "4.2.1 <%s>: Recipient address rejected: Mailbox busy, try again later",
};

const THROTTLE_TEXTS: Readonly<Record<SmtpThrottleCode, string>> = {
  421: "4.7.0 Error: too many messages from your address, try again later, closing connection",
  450: "4.2.1 <%s>: Recipient address rejected: Rate limit exceeded, try again later",
  451: "4.7.1 <%s>: Recipient address rejected: Greylisted, try again later",
  452: "4.5.3 Error: too many recipients, try again later",
};

class SmtpReplyError extends Error {
  readonly responseCode: number;
  constructor(responseCode: number, message: string) {
    super(message);
    this.responseCode = responseCode;
  }
}

/** Starts the sink on 127.0.0.1 with an ephemeral port. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const requireAuth = options.user !== undefined;
  let messages: ReceivedEmail[] = [];
  let authAttempts: SmtpAuthAttempt[] = [];
  let rejections = new Map<string, { code: number; message: string }>();
  let throttle: { remaining: number; code: SmtpThrottleCode } = { remaining: 0, code: 421 };
  let waiters: { readonly count: number; readonly wake: () => void }[] = [];

  const takeThrottle = (stage: "mail" | "rcpt"): SmtpThrottleCode | null => {
    if (throttle.remaining <= 0) return null;
    if ((throttle.code === 421) !== (stage === "mail")) return null;
    throttle.remaining -= 1;
    return throttle.code;
  };

  const server = new SMTPServer({
    name: "sink.vpa.test",
    banner: "VPA test SMTP sink",
    logger: false,
    secure: false,
    disabledCommands: requireAuth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !requireAuth,
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      const accepted = auth.username === options.user && auth.password === (options.pass ?? "");
      authAttempts.push({ method: auth.method, username: auth.username ?? "", accepted });
      if (!accepted) {
        callback(new SmtpReplyError(535, "5.7.8 Error: authentication failed"));
        return;
      }
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, _session, callback) {
      const code = takeThrottle("mail");
      if (code !== null) {
        callback(new SmtpReplyError(code, THROTTLE_TEXTS[code]));
        return;
      }
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const code = takeThrottle("rcpt");
      if (code !== null) {
        callback(new SmtpReplyError(code, THROTTLE_TEXTS[code].replace("%s", address.address)));
        return;
      }
      const rejection = rejections.get(address.address.toLowerCase());
      if (rejection !== undefined) {
        callback(new SmtpReplyError(rejection.code, rejection.message));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (cause: Error) => callback(cause));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const mailFrom = session.envelope.mailFrom;
            messages.push({
              envelopeFrom: mailFrom === false ? null : mailFrom.address,
              envelopeTo: session.envelope.rcptTo.map((recipient) => recipient.address),
              from: parsed.from?.text ?? "",
              to: addressesOf(parsed.to),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : null,
              messageId: parsed.messageId ?? null,
              user: typeof session.user === "string" ? session.user : null,
              raw: raw.toString("utf8"),
            });
            for (const waiter of [...waiters]) if (messages.length >= waiter.count) waiter.wake();
            callback();
          })
          .catch((cause: unknown) =>
            callback(new SmtpReplyError(554, `5.6.0 Error: unparseable message (${String(cause)})`)),
          );
      });
    },
  });
  server.on("error", () => {
    // Connection-level errors (a client resetting the socket) must not crash the test process.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const host = "127.0.0.1";
  const credentials = requireAuth
    ? `${encodeURIComponent(options.user ?? "")}:${encodeURIComponent(options.pass ?? "")}@`
    : "";

  return {
    url: `smtp://${credentials}${host}:${port}`,
    host,
    port,
    get messages() {
      return messages;
    },
    get authAttempts() {
      return authAttempts;
    },
    waitForMessages(count, timeoutMs = 5000) {
      if (messages.length >= count) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((other) => other !== waiter);
          reject(new Error(`SMTP sink: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          count,
          wake: () => {
            clearTimeout(timer);
            waiters = waiters.filter((other) => other !== waiter);
            resolve(messages);
          },
        };
        waiters.push(waiter);
      });
    },
    rejectRecipient(address, code = 550, message) {
      const text =
        message ?? (DEFAULT_REJECTION_TEXTS[code] ?? "Recipient address rejected: %s").replace("%s", address);
      rejections.set(address.toLowerCase(), { code, message: text });
    },
    throttleNext(count, code = 421) {
      throttle = { remaining: count, code };
    },
    reset() {
      messages = [];
      authAttempts = [];
      rejections = new Map();
      throttle = { remaining: 0, code: 421 };
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function addressesOf(header: AddressObject | AddressObject[] | undefined): string[] {
  if (header === undefined) return [];
  const groups = Array.isArray(header) ? header : [header];
  return groups
    .flatMap((group) => group.value.map((entry) => entry.address ?? ""))
    .filter((address) => address !== "");
}
