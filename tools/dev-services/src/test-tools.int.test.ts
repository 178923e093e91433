import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { ensureTestTools } from "./ensure-test-tools.ts";
import { findTool } from "./find-tool.ts";
import { testToolNames } from "./test-tools.ts";

const run = promisify(execFile);

describe("the programs the test suite runs, on this machine", () => {
  test("ensureTestTools finds every one without installing anything, and each really runs", async () => {
    const lines: string[] = [];
    const tools = await ensureTestTools({ allowInstall: false, log: (line) => lines.push(line) });
    expect([...tools.keys()]).toEqual(testToolNames);
    expect(lines).toEqual([]);
    const { stdout } = await run(tools.get("redis-cli") ?? "", ["--version"], { timeout: 10_000 });
    expect(stdout).toMatch(/^redis-cli \d+\.\d+/);
    const promtool = await run(tools.get("promtool") ?? "", ["--version"], { timeout: 10_000 });
    expect(`${promtool.stdout}${promtool.stderr}`).toMatch(/promtool, version \d+\./);
  });

  test("findTool gives the full path (pgbouncer from /usr/sbin off PATH), or says what to install", async () => {
    expect(await findTool("chromium")).toBe("/usr/bin/chromium");
    expect(await findTool("redis-server")).toMatch(/\/redis-server$/);
    const path = process.env.PATH;
    process.env.PATH = "/usr/bin:/bin";
    try {
      expect(await findTool("pgbouncer")).toBe("/usr/sbin/pgbouncer");
      process.env.PATH = "";
      const missing = findTool("chromium");
      await expect(missing).rejects.toMatchObject({ code: "SERVICES_TOOL_MISSING" });
      await expect(missing).rejects.toThrowError(/chromium is not installed .*apt-get install chromium/);
    } finally {
      process.env.PATH = path;
    }
  });
});
