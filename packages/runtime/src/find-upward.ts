import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** A file the program ships with (a font, the demo's bars) was not found where it was looked for. */
export class AssetNotFoundError extends Error {
  readonly code = "ASSET_NOT_FOUND";
  constructor(relativePath: string, startDir: string) {
    super(
      `${relativePath} was not found in ${startDir} or any folder above it: the install is incomplete (the image copies it; in a clone it is committed)`,
    );
    this.name = "AssetNotFoundError";
  }
}

/**
 * The first `<folder>/<relativePath>` that exists, walking from `startDir` up to the root.
 *
 * Modules find the files they ship with this way, not by a fixed number of `../`, because the
 * same module runs from two layouts: its source file (`apps/alerts/src/chart/…` → `apps/alerts/
 * assets/fonts/…`) and the bundled image (`dist/chunk.js` → `dist/assets/fonts/…`).
 *
 * @example
 * findUpward(import.meta.dirname, "assets/fonts/DejaVuSans.ttf") // "/app/dist/assets/fonts/DejaVuSans.ttf"
 * @throws AssetNotFoundError when no folder up to the root holds it.
 */
export function findUpward(startDir: string, relativePath: string): string {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const candidate = join(dir, relativePath);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new AssetNotFoundError(relativePath, startDir);
  }
}
