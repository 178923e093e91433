import { describe, expect, it } from "vitest";
import { UsageError } from "./cli-error.ts";
import { parseOptions } from "./parse-options.ts";

const OPTIONS = { telegram: { type: "string" }, json: { type: "boolean" } } as const;

describe("parseOptions", () => {
  it("takes a negative number after an option that wants a value as that value (Telegram group ids)", () => {
    const { values } = parseOptions("subscribe", ["--telegram", "-1001234567890", "--json"], OPTIONS);
    expect(values).toEqual({ telegram: "-1001234567890", json: true });
  });

  it("still refuses an unknown short option, and a value for a boolean", () => {
    expect(() => parseOptions("subscribe", ["-x"], OPTIONS)).toThrow(UsageError);
    expect(() => parseOptions("subscribe", ["--json", "-5"], OPTIONS)).toThrow(UsageError);
  });
});
