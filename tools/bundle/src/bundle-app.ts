import { cp, rm } from "node:fs/promises";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { rolldown } from "rolldown";

/**
 * Packages left out of the bundle and loaded from node_modules at run time: their native
 * binaries (`.node` files, chosen per platform by the package's own loader) cannot be bundled,
 * and the optional ones are absent unless a user installs them.
 */
export const RUNTIME_EXTERNALS = [
  "@resvg/resvg-js",
  "pg-native",
  "msgpackr-extract",
  "bufferutil",
  "utf-8-validate",
] as const;

/** Files the code finds next to itself at run time (`findUpward`), copied beside the bundle. */
const ASSETS = [
  { from: "apps/alerts/assets", to: "assets" },
  { from: "apps/api/assets", to: "assets" },
] as const;

export interface BundleOptions {
  /** The repository root. */
  readonly root: string;
  /** Written from scratch: the entry is `<outDir>/main.js`. */
  readonly outDir: string;
  /** Default true: smaller source text is less memory held per worker (V8 keeps every source). */
  readonly minify?: boolean;
}

export interface BundleResult {
  readonly entry: string;
  readonly files: number;
}

/**
 * Bundles `apps/cli/src/main.ts` (the `vpa` command and every worker) with its dependencies into
 * ES modules in `outDir`, one chunk per lazily loaded worker kind, and copies the assets.
 *
 * Why: a worker running the TypeScript sources pays for Node's type stripper (~18 MB) and keeps
 * the full text of every module of node_modules; measured idle RSS 155–170 MB per worker from
 * the sources, 90–111 MB from this bundle (BENCHMARKS.md, "Worker memory"). rolldown (the bundler
 * of Vite 8, already in the lock through vitest) does it in under a second.
 *
 * @example
 * await bundleApp({ root: "/app", outDir: "/app/dist" }) // then: node /app/dist/main.js worker alerts
 */
export async function bundleApp(options: BundleOptions): Promise<BundleResult> {
  const external = new Set<string>([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
  const build = await rolldown({
    input: join(options.root, "apps/cli/src/main.ts"),
    platform: "node",
    cwd: options.root,
    // The sources are plain erasable TypeScript (what Node's type stripping runs): no path aliases
    // or decorators to read from tsconfig, and the image's build context has no root tsconfig.
    tsconfig: false,
    external: (id) =>
      external.has(id) ||
      id.startsWith("node:") ||
      RUNTIME_EXTERNALS.some((name) => id === name || id.startsWith(`${name}/`)),
    logLevel: "warn",
  });
  try {
    await rm(options.outDir, { recursive: true, force: true });
    const { output } = await build.write({
      dir: options.outDir,
      format: "esm",
      sourcemap: true,
      minify: options.minify ?? true,
    });
    for (const asset of ASSETS) {
      await cp(join(options.root, asset.from), join(options.outDir, asset.to), { recursive: true });
    }
    return { entry: join(options.outDir, "main.js"), files: output.length };
  } finally {
    await build.close();
  }
}
