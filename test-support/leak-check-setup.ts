import { relative } from "node:path";
import { afterAll } from "vitest";
import { testResources } from "./test-resources.ts";

/**
 * Vitest `setupFiles` module: runs in every test file, before it, and registers the leak check as
 * the file's first `afterAll` hook. Vitest runs "after" hooks in reverse order (`sequence.hooks:
 * "stack"`), so the check runs last, once the file's own cleanup is done: anything then left under
 * the file's queue prefixes, or any of its databases still present, fails the file with what leaked
 * and the test line that created it (leak-check.ts).
 *
 * A file that made nothing on the servers (a unit test) costs nothing: the checker and its clients
 * are loaded only when the registry has something to check.
 */
// biome-ignore lint/correctness/noEmptyPattern: vitest requires an object pattern for the hook's context.
afterAll(async ({}, suite) => {
  const resources = testResources();
  if (resources.prefixes.length === 0 && resources.databases.length === 0) return;
  const { describeLeaks, findLeaks } = await import("./leak-check.ts");
  const leaks = await findLeaks(resources);
  if (leaks.length > 0) {
    const file = "filepath" in suite ? relative(process.cwd(), suite.filepath) : suite.name;
    throw new Error(describeLeaks(file, leaks));
  }
});
