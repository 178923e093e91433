import { describe, expect, it } from "vitest";
import { renderAlert } from "../render/render-alert.ts";
import { createConsoleSender } from "./console-sender.ts";

describe("console sender", () => {
  it("prints a readable summary line, then the alert body", async () => {
    const lines: string[] = [];
    const sender = createConsoleSender((line) => lines.push(line));
    const alert = renderAlert({
      symbol: "VCB",
      signalType: "SELLING_CLIMAX",
      bias: "bull",
      score: 87,
      confidence: 0.65,
      priority: "HIGH",
      variant: null,
      close: 23.45,
      volumeRatio: 2.8,
      time: "2020-03-23",
      exchange: "HOSE",
      name: "Vietcombank",
    });

    const receipt = await sender.send({ subscriberId: 1, address: "local" }, alert);
    await sender.close();

    expect(sender.channel).toBe("console");
    expect(lines[0]).toBe("[alert → local #1] [HIGH] VCB: Selling climax (bull) score 87");
    expect(lines).toContain("  VCB · HOSE · Vietcombank");
    expect(lines).toContain("  Close:      23,450 VND");
    expect(lines).toContain("  Volume:     2.8× avg vol");
    expect(lines.filter((line) => line.includes("[HIGH] VCB"))).toHaveLength(1);
    expect(receipt.providerMessageId).toBe("console-1");
  });
});
