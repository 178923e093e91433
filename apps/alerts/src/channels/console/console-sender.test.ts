import { describe, expect, it } from "vitest";
import { sampleAlertContent } from "../../../test/support/sample-alert-content.ts";
import { renderAlert } from "../../render/render-alert.ts";
import { createConsoleSender } from "./console-sender.ts";

describe("console sender", () => {
  it("prints a readable summary line, then the alert body", async () => {
    const lines: string[] = [];
    const sender = createConsoleSender((line) => lines.push(line));
    const alert = renderAlert(sampleAlertContent({ name: "Vietcombank", priceChange: undefined }));

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
