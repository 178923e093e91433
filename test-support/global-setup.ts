import { pingRedis } from "@vpa/runtime";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { DATABASE_TEMPLATE_KEY } from "./provided-context.ts";
import { prepareTemplateDatabase } from "./template-database.ts";
import { TEST_REDIS_URL, TEST_SERVER_URL } from "./test-servers.ts";

/**
 * Once per test run, before any file: check that the servers are there, then prepare the migrated
 * template every test database is cloned from (template-database.ts) and hand its name to the
 * files (`inject("testDatabaseTemplate")` in database.ts).
 *
 * VPA_TEST_DATABASE_TEMPLATE=off migrates each test database instead (to time the difference, or
 * to debug a migration).
 */
export default async function setup(project: TestProject): Promise<void> {
  await checkServices();
  if (process.env.VPA_TEST_DATABASE_TEMPLATE === "off") {
    project.provide(DATABASE_TEMPLATE_KEY, null);
    return;
  }
  const template = await prepareTemplateDatabase();
  project.provide(DATABASE_TEMPLATE_KEY, template.name);
}

/**
 * The suite talks to a real Redis and a real PostgreSQL. Fail once, up front, with what to do,
 * instead of every integration test timing out on its own. `./vpa test` runs `vpa services up`
 * first, which finds them or starts private ones.
 */
async function checkServices(): Promise<void> {
  const problems: string[] = [];
  try {
    await pingRedis(TEST_REDIS_URL, 3_000);
  } catch (error) {
    problems.push(`Redis at ${TEST_REDIS_URL}: ${(error as Error).message}`);
  }
  const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    problems.push(`PostgreSQL at ${TEST_SERVER_URL}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
  if (problems.length > 0) {
    throw new Error(
      `the test suite needs Redis and PostgreSQL:\n  ${problems.join("\n  ")}\n` +
        "run the tests with ./vpa test (it starts them), or start them with ./vpa services up",
    );
  }
}
