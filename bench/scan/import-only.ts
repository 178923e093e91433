import { openBenchDatabase } from "./bench-database.ts";

const { handle } = await openBenchDatabase({
  serverUrl: "postgres://postgres@127.0.0.1:5432",
  name: "vpa_bench_scan",
  reimport: process.argv.includes("--reimport"),
  log: (line) => console.log(line),
});
await handle.close();
