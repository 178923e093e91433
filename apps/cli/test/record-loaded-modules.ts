/**
 * `node --import ./record-loaded-modules.ts main.ts ...`: writes the URL of every module the
 * process loaded, one per line, to the file named by RECORD_LOADED_MODULES_TO when it exits. For
 * the tests that check a command loads only what it runs.
 */
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";

const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on("exit", () => {
  const target = process.env.RECORD_LOADED_MODULES_TO;
  if (target !== undefined) writeFileSync(target, loaded.join("\n"));
});
