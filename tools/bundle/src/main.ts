#!/usr/bin/env node
// `npm run bundle [-- <outDir>]`: bundles the vpa command into dist/ (the image runs dist/main.js).
import { resolve } from "node:path";
import { bundleApp } from "./bundle-app.ts";

const root = resolve(import.meta.dirname, "../../..");
const outDir = resolve(process.argv[2] ?? resolve(root, "dist"));
const started = performance.now();
const result = await bundleApp({ root, outDir });
process.stdout.write(
  `bundled ${result.files} files into ${outDir} in ${Math.round(performance.now() - started)} ms: node ${result.entry}\n`,
);
