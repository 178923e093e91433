/**
 * Summarises V8 CPU profiles (`run.ts --profile DIR` writes one per worker process): self time by
 * package / area and the top functions, so "where does a worker's CPU go" has a number.
 *
 *   node bench/scan/profile-summary.ts DIR [--top 25]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" } },
});
const dir = positionals[0];
if (dir === undefined) throw new Error("usage: profile-summary.ts DIR");

/** The area a frame belongs to: a package under node_modules, a workspace package, node internals. */
function area(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm !== null) return nm[1] as string;
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const ws = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ws !== null) return `${ws[1]}/${ws[2]}`;
  return url;
}

/** The analyze job's function, now and before jobs carried chunks of symbols. */
const JOB_FUNCTIONS = new Set(["analyzeChunk", "analyzeSymbol"]);
const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const inJob = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at))
      if (JOB_FUNCTIONS.has(nodes.get(at)?.callFrame.functionName ?? "")) return true;
    return false;
  };
  // Start-up (module compilation, type stripping, migrations) is not a scan's cost: count from the
  // first sample inside a job on (analyzeChunk; analyzeSymbol in profiles of older versions).
  const first = profile.samples.findIndex(inJob);
  profile.samples.forEach((id, i) => {
    if (first < 0 || i < first) return;
    const node = nodes.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") return;
    total += dt;
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + dt);
    const f = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(packages|apps)\//, "$1/")}:${lineNumber + 1}`;
    byFunction.set(f, (byFunction.get(f) ?? 0) + dt);
  });
}
const show = (map: Map<string, number>, n: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `| ${k} | ${v.toFixed(0)} | ${((100 * v) / total).toFixed(1)} % |`)
    .join("\n");
console.log(`busy (non-idle) profile time from the first job on: ${total.toFixed(0)} ms\n`);
console.log(`| area (self time) | ms | share |\n|---|---|---|\n${show(byArea, 20)}\n`);
console.log(`| function (self time) | ms | share |\n|---|---|---|\n${show(byFunction, Number(values.top))}`);
