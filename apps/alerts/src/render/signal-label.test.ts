import { SIGNAL_REGISTRY, UnknownSignalTypeError } from "@vpa/core";
import { describe, expect, it } from "vitest";
import { describeSignalType } from "./signal-label.ts";

describe("describeSignalType", () => {
  it("reads every registered signal's label from the registry, in English and Vietnamese", () => {
    for (const definition of SIGNAL_REGISTRY) {
      expect(describeSignalType(definition.type, null)).toBe(definition.label.en);
      expect(describeSignalType(definition.type, null, "vi")).toBe(definition.label.vi);
    }
    expect(describeSignalType("SELLING_CLIMAX", null)).toBe("Selling climax");
    expect(describeSignalType("SELLING_CLIMAX", null, "vi")).toBe("Cao trào bán");
  });

  it("adds a variant unless it repeats the type", () => {
    expect(describeSignalType("SPRING", "shakeout")).toBe("Spring – shakeout");
    expect(describeSignalType("SPRING", "spring")).toBe("Spring");
    expect(describeSignalType("SPRING", "shakeout", "vi")).toBe("Cú lò xo – rũ bỏ");
    expect(describeSignalType("SPRING", "spring", "vi")).toBe("Cú lò xo");
  });

  it("has no fallback: an unknown type or variant is an error with a stable code", () => {
    const unknown = (signalType: string, variant: string | null) => {
      try {
        describeSignalType(signalType, variant);
      } catch (error) {
        return error;
      }
      throw new Error(`${signalType}/${variant} was described`);
    };
    expect(unknown("SOMETHING_NEW", null)).toMatchObject({
      code: "UNKNOWN_SIGNAL_TYPE",
      signalType: "SOMETHING_NEW",
      variant: null,
    });
    expect(unknown("SPRING", "bounce")).toMatchObject({ code: "UNKNOWN_SIGNAL_TYPE", variant: "bounce" });
    expect(unknown("SELLING_CLIMAX", "spring")).toBeInstanceOf(UnknownSignalTypeError);
    expect(unknown("SPRING", "toString")).toBeInstanceOf(UnknownSignalTypeError);
  });
});
