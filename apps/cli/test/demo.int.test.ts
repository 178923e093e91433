import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { type SmtpSink, startSmtpSink } from "../../../test-support/smtp-sink.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const connection = testQueueConnection();

let database: TestDatabase;
let smtp: SmtpSink;
beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpSink({ user: "demo", pass: "demo-pass" });
});
afterAll(async () => {
  // Every queue the demo used, and what else it keeps under the prefix (the alert chart cache).
  await removeQueuePrefix(connection);
  await smtp?.close();
  await database?.drop();
});

/** Runs `vpa demo` without blocking this process (the SMTP sink answers from it). */
function demo(): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(resolve(ROOT, "node_modules/.bin/node"), ["apps/cli/src/main.ts", "demo"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: database.url,
      REDIS_URL: connection.redisUrl,
      QUEUE_PREFIX: connection.prefix,
      SMTP_URL: smtp.url,
      EMAIL_FROM: "VPA Demo <demo@vpa.test>",
      VPA_DATA_DIR: resolve(ROOT, ".vpa"),
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((done) => child.on("close", (status) => done({ status, stdout, stderr })));
}

describe("vpa demo (the main job)", () => {
  it("imports, scans, stores signals and delivers alerts by console and email; a second run sends nothing twice", async () => {
    const first = await demo();
    expect(first.status, first.stderr).toBe(0);
    const out = first.stdout;
    expect(out).toContain("25,913 daily bars of 30 symbols");
    const signals = Number(/signals in window\s+(\d+) \((\d+) new in this run\)/.exec(out)?.[1]);
    const delivered = Number(/alerts delivered\s+(\d+) in this run/.exec(out)?.[1]);
    expect(signals).toBeGreaterThan(20);
    expect(delivered).toBeGreaterThan(0);
    // One console line per alert, and the same alerts by email to the sender's own address.
    expect(out.match(/\[alert → demo #\d+\]/g)?.length).toBe(delivered / 2);
    const mails = await smtp.waitForMessages(delivered / 2, 10_000);
    expect(mails.every((m) => m.to.includes("demo@vpa.test"))).toBe(true);
    // HIGH alerts on their own, the rest of the scan as one digest; Vietnamese first, English beside it.
    const subjects = mails.map((m) => m.subject ?? "");
    for (const subject of subjects) {
      expect(subject).toMatch(
        /^(\[CAO \/ HIGH\] [A-Z0-9]+: .+ điểm \/ score \d+|Bản tin quét: \d+ tín hiệu \/ Scan digest: \d+ signals.*)$/,
      );
    }
    expect(subjects.filter((subject) => subject.startsWith("Bản tin quét"))).toHaveLength(1);
    // The history's signals stored (nobody alerted) and the track record built before the scan:
    // every alert carries its evidence, none says "not enough history yet".
    expect(out).toMatch(
      /[\d,]+ signals of 30 symbols stored, nobody alerted; track record: [\d,]+ outcomes newly final/,
    );
    expect(out).not.toContain("not enough history yet");
    expect(out).toMatch(/up after 5 sessions \d+ % of [\d.]+ times \(chance \d+ %\)/);

    const second = await demo();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain("0 new in this run");
    expect(second.stdout).toContain(
      "the history of 30 symbols was stored by an earlier run; track record up to date",
    );
    expect(second.stdout).toContain("nothing was sent twice");
    expect(smtp.messages).toHaveLength(delivered / 2);
  }, 120_000);
});
