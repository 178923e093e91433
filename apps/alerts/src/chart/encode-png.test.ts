import { crc32 } from "node:zlib";
import { renderAsync } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { decodePng } from "../../test/support/decode-png.ts";
import { encodePng } from "./encode-png.ts";

/** The chunks of a PNG: type, data, and whether the stored CRC is the one of type + data. */
function chunksOf(png: Buffer): { type: string; length: number; crcMatches: boolean }[] {
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    chunks.push({
      type: png.toString("latin1", at + 4, at + 8),
      length,
      crcMatches: png.readUInt32BE(at + 8 + length) === crc32(typeAndData) >>> 0,
    });
    at += 12 + length;
  }
  return chunks;
}

describe("encodePng", () => {
  it("writes a PNG whose chunks check out and whose pixels are the ones given", async () => {
    // 3 × 2: red, green, blue / white, black, grey.
    const rgba = Uint8Array.from([
      255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255, 128, 128, 128, 255,
    ]);
    const png = await encodePng(rgba, 3, 2);
    expect(chunksOf(png).map(({ type, crcMatches }) => [type, crcMatches])).toEqual([
      ["IHDR", true],
      ["IDAT", true],
      ["IEND", true],
    ]);
    const decoded = decodePng(png);
    expect([decoded.width, decoded.height]).toEqual([3, 2]);
    expect(Array.from(decoded.rgba)).toEqual(Array.from(rgba));
    expect(decoded.colorAt(2, 1)).toBe("#808080");
  });

  it("is read back by another decoder (resvg's) to the same pixels", async () => {
    const first = await renderAsync(
      `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#fff"/><circle cx="10" cy="10" r="8" fill="#16a34a"/><rect x="22" y="4" width="14" height="12" fill="#dc2626"/></svg>`,
    );
    const png = await encodePng(first.pixels, first.width, first.height);
    const again = await renderAsync(
      `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><image width="40" height="20" href="data:image/png;base64,${png.toString("base64")}"/></svg>`,
    );
    expect(again.pixels.equals(first.pixels)).toBe(true);
  });

  it("refuses pixels that do not fill the size given", async () => {
    await expect(encodePng(new Uint8Array(10), 3, 2)).rejects.toThrow(/not 3 × 2 RGBA pixels/);
  });
});
