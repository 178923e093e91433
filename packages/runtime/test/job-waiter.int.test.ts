import { afterAll, describe, expect, it } from "vitest";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { JobWaiter } from "../src/job-waiter.ts";
import { JobsNotFinishedError } from "../src/jobs-not-finished-error.ts";
import { createQueue } from "../src/queues.ts";

const connection = testQueueConnection();
const scan = createQueue("scan", connection);

afterAll(async () => {
  await scan.close();
  await removeQueuePrefix(connection);
});

describe("JobWaiter", () => {
  it("a wait that runs out says how many jobs are left, with a code, and that they keep running", async () => {
    await scan.add({ kind: "daily", timeframe: "1D" }, { jobId: "never-run" });
    const waiter = await JobWaiter.start(scan.queue, connection);
    try {
      const waiting = waiter.wait(["never-run"], { timeoutMs: 150 });
      await expect(waiting).rejects.toBeInstanceOf(JobsNotFinishedError);
      await expect(waiting).rejects.toMatchObject({
        code: "JOBS_NOT_FINISHED",
        unfinished: 1,
        message: expect.stringContaining("1 of 1 scan jobs did not finish in time; they keep running"),
      });
    } finally {
      await waiter.close();
    }
  });
});
