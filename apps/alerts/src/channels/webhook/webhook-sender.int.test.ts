import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleAlertContent } from "../../../test/support/sample-alert-content.ts";
import { renderAlert } from "../../render/render-alert.ts";
import { DeliveryFailedError } from "../delivery-failed-error.ts";
import { DeliveryRateLimitedError } from "../delivery-rate-limited-error.ts";
import { RecipientUnreachableError } from "../recipient-unreachable-error.ts";
import { createWebhookSender } from "./webhook-sender.ts";

interface Received {
  readonly headers: IncomingMessage["headers"];
  readonly raw: string;
  readonly body: Record<string, unknown>;
}

/** A loopback receiver answering each POST with the next scripted status (default 204). */
let server: Server;
let base: string;
const received: Received[] = [];
let script: { status: number; headers?: Record<string, string>; delayMs?: number }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, raw: text, body: JSON.parse(text) });
      const next = script.shift() ?? { status: 204 };
      setTimeout(() => {
        response.writeHead(next.status, next.headers);
        response.end();
      }, next.delayMs ?? 0);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});
beforeEach(() => {
  received.length = 0;
  script = [];
});

const alert = renderAlert(sampleAlertContent({ name: "A<b>&C" }));
const sender = createWebhookSender({ timeoutMs: 300 });
const recipient = (path = "/hook?token=s3cret-t0ken") => ({ subscriberId: 5, address: `${base}${path}` });

describe("webhook sender", () => {
  it("POSTs the alert as JSON with its idempotency key", async () => {
    await sender.send(recipient(), alert, { key: "vpa-alert-1-5-webhook" });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["idempotency-key"]).toBe("vpa-alert-1-5-webhook");
    expect(request!.body).toMatchObject({
      event: "vpa.alert",
      subject: "[HIGH] VCB: Selling climax (bull) score 87",
      alert: {
        symbol: "VCB",
        signalType: "SELLING_CLIMAX",
        score: 87,
        confidence: 0.65,
        name: "A<b>&C",
        close: 23.45,
      },
    });
  });

  it("maps the receiver's answers: 429 waits, 410 is gone, 5xx and time-outs are transient, other 4xx permanent", async () => {
    script = [{ status: 429, headers: { "retry-after": "7" } }];
    const limited = await sender.send(recipient(), alert).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(DeliveryRateLimitedError);
    expect((limited as DeliveryRateLimitedError).retryAfterMs).toBe(7_000);

    script = [{ status: 410 }];
    expect(await sender.send(recipient(), alert).catch((e: unknown) => e)).toBeInstanceOf(
      RecipientUnreachableError,
    );

    script = [{ status: 502 }];
    const transient = (await sender.send(recipient(), alert).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(transient).toBeInstanceOf(DeliveryFailedError);
    expect(transient.permanent).toBe(false);

    script = [{ status: 200, delayMs: 1_000 }];
    const slow = (await sender.send(recipient(), alert).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(slow.permanent).toBe(false);
    expect(slow.message).toContain("no answer within 300 ms");

    script = [{ status: 400 }];
    const rejected = (await sender.send(recipient(), alert).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(rejected.permanent).toBe(true);
    // The URL's query (often a secret token) never appears in an error.
    for (const error of [limited, transient, slow, rejected]) expect(String(error)).not.toContain("s3cret");
  });

  it("signs the body when a secret is set, so the receiver can verify the sender", async () => {
    const secret = "0123456789abcdef-webhook-secret";
    await createWebhookSender({ signingSecret: secret }).send(recipient(), alert);
    const [request] = received;
    const expected = createHmac("sha256", secret).update(request!.raw).digest("hex");
    expect(request!.headers["x-vpa-signature"]).toBe(`sha256=${expected}`);
    expect(request!.headers["x-vpa-timestamp"]).toBe(request!.body.sentAt);
    // Unsigned without a secret.
    await sender.send(recipient(), alert);
    expect(received[1]!.headers["x-vpa-signature"]).toBeUndefined();
  });

  it("refuses an address that is not an http(s) URL without sending anything", async () => {
    const error = await sender
      .send({ subscriberId: 9, address: "ftp://example.com/x" }, alert)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientUnreachableError);
    expect(received).toHaveLength(0);
  });
});
