import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AssetNotFoundError, findUpward } from "./find-upward.ts";

describe("findUpward", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  function tree(): string {
    const root = mkdtempSync(join(tmpdir(), "find-upward-"));
    roots.push(root);
    mkdirSync(join(root, "app/dist/assets/fonts"), { recursive: true });
    mkdirSync(join(root, "app/fixtures"), { recursive: true });
    writeFileSync(join(root, "app/dist/assets/fonts/font.ttf"), "x");
    writeFileSync(join(root, "app/fixtures/bars.csv"), "x");
    return root;
  }

  it("finds a file next to the start folder, as the bundled image lays out its assets", () => {
    const root = tree();
    expect(findUpward(join(root, "app/dist"), "assets/fonts/font.ttf")).toBe(
      join(root, "app/dist/assets/fonts/font.ttf"),
    );
  });

  it("walks up to the nearest folder that holds it, as a source file finds the repo's fixtures", () => {
    const root = tree();
    mkdirSync(join(root, "app/apps/cli/src/commands"), { recursive: true });
    expect(findUpward(join(root, "app/apps/cli/src/commands"), "fixtures/bars.csv")).toBe(
      join(root, "app/fixtures/bars.csv"),
    );
  });

  it("fails with a coded error naming the file when no folder up to the root has it", () => {
    const root = tree();
    expect(() => findUpward(join(root, "app/dist"), "fixtures/missing.csv")).toThrow(AssetNotFoundError);
    expect(() => findUpward(join(root, "app/dist"), "fixtures/missing.csv")).toThrow(
      /fixtures\/missing\.csv/,
    );
  });
});
