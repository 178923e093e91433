import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from "../../../test-support/otlp-receiver.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const connection = testQueueConnection();

let database: TestDatabase;
let receiver: OtlpReceiver;
beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await removeQueuePrefix(connection);
  await receiver?.close();
  await database?.drop();
});

/** Runs `vpa demo` (import, scan, analyze, alert and deliver in one process) with this environment. */
function demo(extraEnv: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(resolve(ROOT, "node_modules/.bin/node"), ["apps/cli/src/main.ts", "demo"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: database.url,
      REDIS_URL: connection.redisUrl,
      QUEUE_PREFIX: connection.prefix,
      VPA_DATA_DIR: resolve(ROOT, ".vpa"),
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((done) => child.on("close", (status) => done({ status, stderr })));
}

/** The span and its ancestors, nearest first, as far as the received spans go. */
function ancestry(span: ReceivedSpan, bySpanId: ReadonlyMap<string, ReceivedSpan>): ReceivedSpan[] {
  const chain = [span];
  for (let at = bySpanId.get(span.parentSpanId); at !== undefined; at = bySpanId.get(at.parentSpanId)) {
    chain.push(at);
  }
  return chain;
}

describe("traces over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT)", () => {
  it("gives each signal's path one trace: scan → its analyze job → its alert job → each of its deliveries", async () => {
    const run = await demo({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(run.status, run.stderr).toBe(0);
    expect(receiver.refused).toEqual([]);
    const spans = receiver.spans;
    expect(spans.every((span) => span.serviceName === "vpa-demo")).toBe(true);
    const bySpanId = new Map(spans.map((span) => [span.spanId, span]));

    const alertSpans = spans.filter(
      (span) =>
        span.name === "process alerts" && String(span.attributes["bullmq.job.id"]).startsWith("alert."),
    );
    expect(alertSpans.length).toBeGreaterThan(0);
    let signalsWithDeliveries = 0;
    for (const alertSpan of alertSpans) {
      const signalId = Number(String(alertSpan.attributes["bullmq.job.id"]).slice("alert.".length));
      // Up: the alert job was enqueued by an analyze job of the scan, in the same trace.
      const up = ancestry(alertSpan, bySpanId);
      expect(up.map((span) => span.name)).toContain("process analyze");
      expect(up.at(-1)?.name).toBe("scan");
      expect(new Set(up.map((span) => span.traceId)).size).toBe(1);
      // Down: the delivery jobs under this alert job are this signal's deliveries, in its trace.
      const deliveries = spans.filter(
        (span) => span.name === "process deliveries" && ancestry(span, bySpanId).includes(alertSpan),
      );
      if (deliveries.length === 0) continue; // every recipient takes it in the scan's digest
      signalsWithDeliveries++;
      expect(deliveries.every((span) => span.traceId === alertSpan.traceId)).toBe(true);
      const owed = await sql<{ id: number }>`
        select d.id from alert_deliveries d join alerts a on a.id = d.alert_id where a.signal_id = ${signalId}
      `.execute(database.db);
      const owedJobIds = owed.rows.map((row) => `deliver.${row.id}`);
      for (const span of deliveries) expect(owedJobIds).toContain(span.attributes["bullmq.job.id"]);
    }
    expect(signalsWithDeliveries).toBeGreaterThan(0);
  }, 120_000);
});
