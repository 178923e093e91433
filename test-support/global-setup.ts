import { pingRedis } from "@vpa/runtime";
import pg from "pg";
import { TEST_SERVER_URL } from "./database.ts";
import { TEST_REDIS_URL } from "./queues.ts";

/**
 * The suite talks to a real Redis and a real PostgreSQL. Fail once, up front, with what to do,
 * instead of every integration test timing out on its own. `./vpa test` runs `vpa services up`
 * first, which finds them or starts private ones.
 */
export default async function checkServices(): Promise<void> {
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
