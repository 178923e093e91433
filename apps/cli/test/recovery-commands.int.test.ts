import {
  createPendingAlerts,
  insertSignals,
  markDeliveryUnsent,
  queueDeliveries,
  settleAlert,
  startAlert,
  subscribe,
  upsertStocks,
} from "@vpa/db";
import { alertJobId, createQueue, deliveryJobId, type TypedQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { obliterateQueues, removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { runVpa, type VpaRun, vpaEnvironment } from "../../../test-support/vpa-process.ts";

const connection = testQueueConnection();

function vpa(args: string[]): Promise<VpaRun> {
  return runVpa(args, vpaEnvironment(database, connection), 30_000);
}

let database: TestDatabase;
let alerts: TypedQueue<"alerts">;
let deliveries: TypedQueue<"deliveries">;
let failedSignal: number;
let gaveUpSignal: number;
let failedDelivery: number;

beforeAll(async () => {
  database = await createTestDatabase();
  alerts = createQueue("alerts", connection);
  deliveries = createQueue("deliveries", connection);
  const stockId = (await upsertStocks(database.db, [{ symbol: "VCB", exchange: "HOSE" }])).get("VCB")!;
  const subscriber = await subscribe(database.db, { channel: "telegram", address: "4242" });
  const stored = await insertSignals(
    database.db,
    stockId,
    "1D",
    ["2021-07-14", "2021-07-15"].map((time) => ({
      time,
      type: "SELLING_CLIMAX" as const,
      bias: "bull" as const,
      score: 85,
      confidence: 0.65,
      priority: "HIGH" as const,
      variant: null,
      features: { vr: 2.8, sr: 1.9, cl: 0.62, trend: "down" as const },
      close: 101.5,
      volume: 3_000_000,
      priceChange: -0.03,
    })),
  );
  [failedSignal, gaveUpSignal] = stored.map((row) => row.id) as [number, number];
  await createPendingAlerts(
    database.db,
    stored.map((row) => ({ signalId: row.id, priority: "HIGH" as const })),
  );
  // One delivery failed for good (e.g. a message Telegram refused); the other alert gave up.
  const failedAlert = await startAlert(database.db, {
    signalId: failedSignal,
    priority: "HIGH",
    message: "m",
  });
  const [owed] = await queueDeliveries(database.db, { kind: "alert", alertId: failedAlert.id }, [
    { subscriberId: subscriber.subscriberId, channel: "telegram" },
  ]);
  failedDelivery = owed!.id;
  await markDeliveryUnsent(
    database.db,
    failedDelivery,
    "failed",
    "DeliveryFailedError: 400 Bad Request: can't parse entities",
  );
  await settleAlert(database.db, failedAlert.id, "done");
  const gaveUp = await startAlert(database.db, { signalId: gaveUpSignal, priority: "HIGH", message: "m" });
  await settleAlert(database.db, gaveUp.id, "gave_up", "gave up after 30 min of retries: 502 Bad Gateway");
});
afterAll(async () => {
  await obliterateQueues(alerts === undefined ? [] : [alerts, deliveries]);
  // `vpa status` opens every queue to count its jobs.
  await removeQueuePrefix(connection);
  await database?.drop();
});

describe("recovery from the command line", () => {
  it("vpa status lists failed work with the command that resolves it", async () => {
    const { stdout } = await vpa(["status"]);
    expect(stdout).toMatch(/alerts that gave up \(retry budget spent\)\s+1\s+vpa alerts retry/);
    expect(stdout).toMatch(
      /deliveries failed\s+1\s+vpa alerts --status failed; vpa alerts retry --status failed/,
    );
    const json = JSON.parse((await vpa(["status", "--json"])).stdout);
    expect(json.openWork).toMatchObject({ gaveUpAlerts: 1, failedDeliveries: 1 });
  });

  it("vpa alerts shows the bar date and Vietnam time, and --json is one document", async () => {
    const table = await vpa(["alerts", "--status", "failed"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("claimed (Vietnam)");
    expect(table.stdout).toMatch(/2021-07-14\s+VCB\s+SELLING_CLIMAX\s+HIGH\s+telegram\s+4242\s+failed/);
    const json = JSON.parse((await vpa(["alerts", "--json", "--limit", "1"])).stdout);
    expect(json).toMatchObject({ total: 1, shown: 1 });
    expect(json.deliveries[0]).toMatchObject({ barTime: "2021-07-14", status: "failed" });
    expect(json.deliveries[0].claimedAt).toMatch(/\+07:00$/);
  });

  it("vpa alerts retry owes the failed delivery and the given-up alert again, and enqueues their jobs", async () => {
    const { code, stdout } = await vpa(["alerts", "retry"]);
    expect(code).toBe(0);
    expect(stdout).toContain("requeued 1 delivery and 1 alert that gave up");
    const states = await sql<{ state: string }>`select state from alerts order by signal_id`.execute(
      database.db,
    );
    expect(states.rows.map((row) => row.state)).toEqual(["done", "pending"]);
    expect(["waiting", "prioritized"]).toContain(
      await deliveries.queue.getJobState(deliveryJobId({ deliveryId: failedDelivery })),
    );
    expect(["waiting", "prioritized"]).toContain(
      await alerts.queue.getJobState(alertJobId({ signalId: gaveUpSignal })),
    );
    const again = await vpa(["alerts", "retry"]);
    expect(again.stdout).toContain("nothing to retry");
    const bad = await vpa(["alerts", "retry", "--status", "sent"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--status takes retry, failed, uncertain, suppressed");
  });
});
