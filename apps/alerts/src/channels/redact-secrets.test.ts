import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redactError, redactText, secretVariants } from "./redact-secrets.ts";

describe("redactError", () => {
  it("redacts secrets, encoded or not, through the whole cause chain", () => {
    const secret = "123456:AB/cd+ef";
    const inner = Object.assign(new TypeError(`Invalid URL /bot${secret}/x`), {
      input: `/bot${encodeURIComponent(secret)}`,
    });
    const outer = Object.assign(new Error("Network request failed", { cause: inner }), {
      code: "EFETCH",
      options: { secret },
    });

    const copy = redactError(outer, secretVariants([secret]));

    const dump = inspect(copy, { depth: 10, showHidden: true }) + JSON.stringify(copy);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(encodeURIComponent(secret));
    expect(copy).toMatchObject({ name: "Error", code: "EFETCH", message: "Network request failed" });
    expect((copy.cause as Error).message).toBe("Invalid URL /bot[REDACTED]/x");
    expect((copy as unknown as Record<string, unknown>).options).toBeUndefined();
  });

  it("never throws on odd inputs", () => {
    expect(redactError("plain string secret-1", secretVariants(["secret-1"])).message).toBe(
      "plain string [REDACTED]",
    );
    expect(redactError(undefined, []).message).toBe("undefined");
    expect(redactText("abc", secretVariants(["ab"]))).toBe("abc"); // too short to redact safely
  });
});
