// `npm run mutation -- vpa-core|vpa-core-signals|alerts [stryker options]`: StrykerJS over one
// scope, at the lowest CPU priority (nice 19) because it is CPU heavy and the machines are shared.
// vpa-core-signals is vpa-core's signals, indicators and market rules against their own unit
// tests: minutes instead of the whole package's hours.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SCOPES = ["vpa-core", "vpa-core-signals", "alerts"];
const [scope, ...extra] = process.argv.slice(2);
if (!SCOPES.includes(scope ?? "")) {
  console.error(`usage: npm run mutation -- ${SCOPES.join("|")} [stryker options]`);
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stryker = join(root, "node_modules/.bin/stryker");
const result = spawnSync("nice", ["-n", "19", stryker, "run", "mutation/stryker.config.mjs", ...extra], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, VPA_MUTATION_SCOPE: scope },
});
process.exit(result.status ?? 1);
