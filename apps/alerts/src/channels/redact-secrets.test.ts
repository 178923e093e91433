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

  it("keeps the error's primitive facts (numbers, booleans, null) and redacts its strings", () => {
    const secret = "s3cret-pass";
    const error = Object.assign(new Error("535 auth failed"), {
      responseCode: 535,
      transient: false,
      command: `AUTH PLAIN ${Buffer.from(secret).toString("base64")}`,
      response: null,
      when: new Date(0),
    });
    const copy = redactError(error, secretVariants([secret])) as unknown as Record<string, unknown>;
    expect(copy).toMatchObject({
      responseCode: 535,
      transient: false,
      command: "AUTH PLAIN [REDACTED]",
      response: null,
    });
    expect(copy.when).toBeUndefined();
    expect(copy.name).toBe("Error");
  });

  it("copies the name, and a stack redacted too (or made from name and message when there is none)", () => {
    const secret = "token-abcdef";
    const error = new RangeError(`bad ${secret}`);
    error.stack = `RangeError: bad ${secret}\n    at send (/bot${secret}/x)`;
    const copy = redactError(error, secretVariants([secret]));
    expect(copy.name).toBe("RangeError");
    expect(copy.stack).toBe("RangeError: bad [REDACTED]\n    at send (/bot[REDACTED]/x)");
    const bare = new TypeError(`no ${secret}`);
    bare.stack = undefined;
    expect(redactError(bare, secretVariants([secret])).stack).toBe("TypeError: no [REDACTED]");
  });

  it("follows the cause chain five levels deep and no further", () => {
    let error: Error = new Error("level 7");
    for (let level = 6; level >= 0; level--) error = new Error(`level ${level}`, { cause: error });
    let copy: unknown = redactError(error, []);
    const levels: string[] = [];
    while (copy instanceof Error) {
      levels.push(copy.message);
      copy = copy.cause;
    }
    expect(levels).toEqual(["level 0", "level 1", "level 2", "level 3", "level 4", "level 5"]);
  });

  it("replaces a secret that contains another whole, in any of its forms", () => {
    const variants = secretVariants(["abcd", "abcdefgh"]);
    expect(variants[0]).toBe(Buffer.from("abcdefgh").toString("base64"));
    for (let i = 1; i < variants.length; i++) {
      expect(variants[i - 1]!.length).toBeGreaterThanOrEqual(variants[i]!.length);
    }
    expect(redactText("key=abcdefgh;", variants)).toBe("key=[REDACTED];");
    expect(redactText(`b64=${Buffer.from("abcd").toString("base64")}`, variants)).toBe("b64=[REDACTED]");
    expect(redactText("four", secretVariants(["four"]))).toBe("[REDACTED]");
  });

  it("prints a value that cannot be printed as a placeholder", () => {
    const hostile = {
      toString() {
        throw new Error("no");
      },
    };
    expect(redactError(hostile, []).message).toBe("[unprintable value]");
  });
});
