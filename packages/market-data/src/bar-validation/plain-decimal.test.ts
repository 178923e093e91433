import { describe, expect, it } from "vitest";
import { parsePlainDecimal } from "./plain-decimal.ts";

describe("parsePlainDecimal", () => {
  it.each([
    ["23.45", 23.45],
    ["0", 0],
    ["-1", -1],
    ["1500.0", 1500],
    ["0.0013", 0.0013],
    ["007", 7],
    ["9007199254740993", 9007199254740992],
  ])("reads %j as %d", (text, value) => {
    expect(parsePlainDecimal(text)).toBe(value);
  });

  it.each([
    ["", "empty (Number() reads it as 0)"],
    [" ", "blank (Number() reads it as 0)"],
    ["0x10", "hexadecimal (Number() reads it as 16)"],
    ["0b11", "binary"],
    ["0o17", "octal"],
    ["1e300", "an exponent"],
    ["1E-3", "an exponent"],
    ["Infinity", "Infinity"],
    ["-Infinity", "-Infinity"],
    ["NaN", "NaN"],
    ["+5", "a plus sign"],
    [".5", "no integer part"],
    ["5.", "no fraction digits"],
    ["1,000", "a thousands separator"],
    ["1 000", "a space inside"],
    ["23,45", "a decimal comma"],
    ["-", "a bare sign"],
    ["--1", "two signs"],
    ["1.2.3", "two points"],
    ["١٢", "non-ASCII digits"],
    ["12abc", "trailing text"],
  ])("rejects %j (%s) as NaN", (text) => {
    expect(parsePlainDecimal(text)).toBeNaN();
  });

  it("gives the very double Number() gives, for prices, volumes and long digit strings", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const digits = (count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join("");
    for (let i = 0; i < 20_000; i++) {
      const text = `${random() < 0.1 ? "-" : ""}${digits(1 + Math.floor(random() * 12))}${
        random() < 0.8 ? `.${digits(1 + Math.floor(random() * 12))}` : ""
      }`;
      expect(parsePlainDecimal(text)).toBe(Number(text));
    }
    for (const text of [
      "23.45",
      "0.0013",
      "9523.5977",
      "9007199254740991",
      "12345678901234567890.5",
      "0.1234567890123456789012345",
    ])
      expect(parsePlainDecimal(text)).toBe(Number(text));
  });
});
