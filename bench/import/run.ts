/**
 * Import benchmark (not a test): the whole shared dataset into an empty database with the
 * project's importer, and, over a slice of it, the importer against a per-row INSERT loop and a
 * plain multi-row kysely insert. Every run is its own process (import-once.ts) on a freshly
 * created database, so rows/s are for "an empty database" and peak RSS is that run's own.
 *
 *   node bench/import/run.ts [--runs 3] [--slice 50000] [--dataset PATH] [--server postgres://postgres@127.0.0.1:5432]
 *                           [--database vpa_bench_import] [--skip-full] [--skip-slice]
 *
 * Goal: >= 200,000 rows/s for the full import, peak RSS < 300 MB.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { arch, cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readBarFile } from "@vpa/scanner";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    slice: { type: "string", default: "50000" },
    dataset: {
      type: "string",
      default: new URL("../../../shared/data/vn-daily-2000-2021.csv.gz", import.meta.url).pathname,
    },
    server: { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    database: { type: "string", default: "vpa_bench_import" },
    "skip-full": { type: "boolean", default: false },
    "skip-slice": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const dataset = values.dataset as string;
if (!existsSync(dataset)) {
  console.error(
    `the shared dataset is absent: ${dataset} (pass --dataset <path> to vn-daily-2000-2021.csv.gz)`,
  );
  process.exit(1);
}

interface Result {
  readonly method: string;
  readonly rows: number;
  readonly stored: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
}

const ONCE = new URL("./import-once.ts", import.meta.url).pathname;
function runOnce(nodeFlags: string[], args: string[]): Result {
  const child = spawnSync(process.execPath, [...nodeFlags, ONCE, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`import-once ${args.join(" ")} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1) as string) as Result;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits });

console.log(
  `node ${process.version} · ${arch()} · ${cpus().length} × ${cpus()[0]?.model ?? "?"} · ${fmt(totalmem() / 2 ** 30, 1)} GiB · ${runs} run(s) each, medians`,
);

interface Variant {
  readonly label: string;
  readonly nodeFlags: string[];
  readonly args: string[];
}
function measure(variant: Variant, file: string): Result[] {
  const results: Result[] = [];
  for (let run = 0; run < runs; run++) {
    const result = runOnce(variant.nodeFlags, [
      ...variant.args.slice(0, 1),
      file,
      values.server as string,
      values.database as string,
      ...variant.args.slice(1),
    ]);
    console.log(
      `  ${variant.label} #${run + 1}: ${fmt(result.rows)} rows in ${fmt(result.seconds, 2)} s = ${fmt(result.rowsPerSecond)} rows/s, peak RSS ${fmt(result.peakRssMb)} MB`,
    );
    results.push(result);
  }
  return results;
}
function summarize(label: string, results: Result[]) {
  return {
    label,
    rowsPerSecond: median(results.map((r) => r.rowsPerSecond)),
    seconds: median(results.map((r) => r.seconds)),
    peakRssMb: median(results.map((r) => r.peakRssMb)),
    maxPeakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
  };
}

if (!values["skip-full"]) {
  console.log(`\nfull import of ${dataset} into an empty database`);
  const variants: Variant[] = [
    { label: "importer (defaults: 25k-row batches, 2 writes in flight)", nodeFlags: [], args: ["importer"] },
    { label: "importer, 1 write in flight", nodeFlags: [], args: ["importer", "1"] },
    {
      label: "importer, node --max-semi-space-size=16",
      nodeFlags: ["--max-semi-space-size=16"],
      args: ["importer"],
    },
  ];
  const table = variants.map((variant) => summarize(variant.label, measure(variant, dataset)));
  console.log("\n| variant | median s | median rows/s | median peak RSS MB | max peak RSS MB |");
  console.log("|---|---|---|---|---|");
  for (const row of table)
    console.log(
      `| ${row.label} | ${fmt(row.seconds, 1)} | ${fmt(row.rowsPerSecond)} | ${fmt(row.peakRssMb)} | ${fmt(row.maxPeakRssMb)} |`,
    );
  const best = table[0];
  if (best !== undefined)
    console.log(
      `goal >= 200,000 rows/s: ${best.rowsPerSecond >= 200_000 ? "met" : `missed by ${fmt(200_000 - best.rowsPerSecond)} rows/s`}; ` +
        `peak RSS < 300 MB: ${best.maxPeakRssMb < 300 ? "met" : `missed by ${fmt(best.maxPeakRssMb - 300)} MB (max of runs)`}`,
    );
}

if (!values["skip-slice"]) {
  const sliceRows = Number(values.slice);
  const dir = await mkdtemp(join(tmpdir(), "vpa-bench-import-"));
  const sliceFile = join(dir, `slice-${sliceRows}.csv`);
  const lines = ["symbol,date,open,high,low,close,volume"];
  for await (const row of readBarFile(dataset)) {
    lines.push([row.symbol, row.date, row.open, row.high, row.low, row.close, row.volume].join(","));
    if (lines.length > sliceRows) break;
  }
  await writeFile(sliceFile, `${lines.join("\n")}\n`);
  console.log(`\nslice: the first ${fmt(sliceRows)} rows of the dataset, each method into an empty database`);
  const table = [
    summarize("importer", measure({ label: "importer", nodeFlags: [], args: ["importer"] }, sliceFile)),
    summarize(
      "multi-row kysely insert (5,000 rows/statement)",
      measure({ label: "multi-row", nodeFlags: [], args: ["multi-row"] }, sliceFile),
    ),
    summarize(
      "per-row INSERT loop",
      measure({ label: "per-row", nodeFlags: [], args: ["per-row"] }, sliceFile),
    ),
  ];
  const importer = table[0]?.rowsPerSecond ?? 1;
  console.log("\n| method | median s | median rows/s | importer is N× faster |");
  console.log("|---|---|---|---|");
  for (const row of table)
    console.log(
      `| ${row.label} | ${fmt(row.seconds, 2)} | ${fmt(row.rowsPerSecond)} | ${fmt(importer / row.rowsPerSecond, 1)}× |`,
    );
}
