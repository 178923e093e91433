/**
 * kill -9 of alert worker processes in the middle of a DIGEST fan-out (issue 11): two real
 * `vpa worker alerts` processes (as deployed, spawned the way bench/chaos spawns them) share one
 * scan's fan-out to 150 chats in digest mode: one digest each for the scan's MEDIUM alerts, and the
 * scan's HIGH alert at once. Three times, a worker is killed with SIGKILL while it sends, and started
 * again. Afterwards: no chat got its digest or its HIGH alert twice; every one that did not arrive
 * is recorded `uncertain` (nothing lost silently), at most the sends the killed worker had in
 * flight (ALERT_CONCURRENCY each; usually one); and `vpa alerts --status
 * uncertain` lists exactly those. A killed worker's jobs are taken over once their lock expires
 * (30 s), so the test takes about a minute and a half.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createPendingAlerts, createScan, insertSignals, upsertStocks } from "@vpa/db";
import { alertJobId, createQueue, digestJobId, type TypedQueue } from "@vpa/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChaosWorker } from "../../../bench/chaos/chaos-worker.ts";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { removeQueuePrefix, testQueueConnection } from "../../../test-support/queues.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";
import { runVpa, type VpaRun, vpaEnvironment } from "../../../test-support/vpa-process.ts";

const TOKEN = "123456:DIGEST-kill-abcdefghijklmnopqrstuvwxyz";
const CHATS = 150;
const KILLS = 3;
/** Deliveries each worker sends at once (ALERT_CONCURRENCY, as deployed): what one kill can catch mid-send. */
const SENDS_IN_FLIGHT = 4;
const connection = testQueueConnection();

let database: TestDatabase;
let telegram: TelegramStandIn;
let alerts: TypedQueue<"alerts">;
let digests: TypedQueue<"digests">;
let logDir: string;
const workers: ChaosWorker[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  telegram = await startTelegramStandIn({ token: TOKEN, floodControl: true });
  alerts = createQueue("alerts", connection);
  digests = createQueue("digests", connection);
  logDir = await mkdtemp(join(tmpdir(), "vpa-digest-kill-"));
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop("SIGTERM", 20_000)));
  await alerts?.close();
  await digests?.close();
  await removeQueuePrefix(connection);
  await telegram?.close();
  await database?.drop();
  if (logDir !== undefined) await rm(logDir, { recursive: true, force: true });
});

/** `vpa alerts …` as an operator runs it, against this test's database. */
function vpa(args: string[]): Promise<VpaRun> {
  return runVpa(args, vpaEnvironment(database, connection));
}

function signal(time: string, priority: "HIGH" | "MEDIUM", score: number) {
  return {
    time,
    type: priority === "HIGH" ? ("SELLING_CLIMAX" as const) : ("NO_SUPPLY" as const),
    bias: "bull" as const,
    score,
    confidence: 0.5,
    priority,
    variant: null,
    features: { vr: 2.5, sr: 1.6, cl: 0.6, trend: "down" as const },
    close: 45.5,
    volume: 3_000_000,
    priceChange: -0.004,
  };
}

describe("kill -9 of alert workers mid-fan-out in digest mode", () => {
  it("sends no digest or alert twice; what did not arrive is uncertain, at most the sends in flight per kill, and listed by vpa alerts", async () => {
    const stockId = (await upsertStocks(database.db, [{ symbol: "HPG", exchange: "HOSE" }])).get("HPG")!;
    // Digest mode is the default: each chat gets the scan's MEDIUM alerts as one digest.
    await sql`
      with s as (
        insert into subscribers (channel, address)
        select 'telegram', (300000 + g)::text from generate_series(1, ${CHATS}) g
        returning id
      )
      insert into subscriptions (subscriber_id) select id from s`.execute(database.db);
    const environment = {
      databaseUrl: database.url,
      redisUrl: connection.redisUrl,
      queuePrefix: connection.prefix,
      telegramToken: TOKEN,
      telegramApiRoot: telegram.apiRoot,
      logDir,
      extra: { ALERT_CONCURRENCY: String(SENDS_IN_FLIGHT) },
    };
    for (const name of ["alerts-1", "alerts-2"]) {
      const worker = new ChaosWorker("alerts", name, environment);
      workers.push(worker);
      await worker.start();
    }
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    const stored = await insertSignals(database.db, stockId, "1D", [
      signal("2021-07-12", "MEDIUM", 61),
      signal("2021-07-13", "MEDIUM", 62),
      signal("2021-07-14", "MEDIUM", 63),
      signal("2021-07-15", "HIGH", 88),
    ]);
    await createPendingAlerts(
      database.db,
      stored.map((row, i) => ({
        signalId: row.id,
        priority: i === 3 ? ("HIGH" as const) : ("MEDIUM" as const),
      })),
      scanId,
    );
    for (const row of stored)
      await alerts.add({ signalId: row.id }, { jobId: alertJobId({ signalId: row.id }) });
    await digests.add({ scanId }, { jobId: digestJobId({ scanId }) });

    // The kills: once sends are under way, one worker at a time, while both have work.
    const accepted = () => telegram.sentMessages.length;
    const deadline = Date.now() + 30_000;
    while (accepted() === 0 && Date.now() < deadline) await sleep(50);
    let kills = 0;
    for (let k = 0; k < KILLS && accepted() < 2 * CHATS - 20; k++) {
      await sleep(700 + k * 400);
      const victim = workers[k % workers.length]!;
      await victim.stop("SIGKILL");
      kills++;
      await victim.start();
    }
    expect(kills).toBe(KILLS);

    // Everything owed settles: 150 digests and 150 HIGH alerts, each sent, or uncertain.
    type Row = { address: string; kind: string; status: string };
    const rows = async () =>
      (
        await sql<Row>`
          select sb.address, case when d.digest_id is null then 'alert' else 'digest' end as kind, d.status
          from alert_deliveries d join subscribers sb on sb.id = d.subscriber_id`.execute(database.db)
      ).rows;
    const settleBy = Date.now() + 150_000;
    let settled: Row[] = [];
    while (Date.now() < settleBy) {
      settled = await rows();
      if (
        settled.length === 2 * CHATS &&
        settled.every((r) => r.status === "sent" || r.status === "uncertain")
      )
        break;
      await sleep(500);
    }
    const byStatus: Record<string, number> = {};
    for (const row of settled) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    expect({ rows: settled.length, byStatus }).toMatchObject({ rows: 2 * CHATS });
    expect(Object.keys(byStatus).filter((status) => status !== "sent" && status !== "uncertain")).toEqual([]);

    // What Telegram accepted, per chat: a digest ("Scan digest: 3 signals") and the HIGH alert.
    const copies = new Map<string, number>();
    for (const message of telegram.sentMessages) {
      const kind = message.plainText.includes("Scan digest: 3 signals") ? "digest" : "alert";
      const key = `${message.chatId}|${kind}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    const duplicated = [...copies].filter(([, count]) => count > 1).map(([key]) => key);
    expect(duplicated).toEqual([]);
    // Nothing lost silently: each owed message arrived, or its row says uncertain.
    const lost = settled.filter((r) => r.status !== "uncertain" && !copies.has(`${r.address}|${r.kind}`));
    expect(lost).toEqual([]);
    // Uncertain only where a kill caught the request written and its answer not read: at most the
    // sends the killed worker had in flight (one, usually; CI once saw 4 after 3 kills).
    const uncertain = settled.filter((r) => r.status === "uncertain");
    expect(uncertain.length).toBeLessThanOrEqual(kills * SENDS_IN_FLIGHT);

    // The operator sees exactly those.
    const listed = await vpa(["alerts", "--status", "uncertain", "--json", "--limit", "1000"]);
    expect(listed.code).toBe(0);
    const view = JSON.parse(listed.stdout) as {
      total: number;
      deliveries: { address: string; symbol: string }[];
    };
    expect(view.total).toBe(uncertain.length);
    expect(
      view.deliveries.map((d) => `${d.address}|${d.symbol === "DIGEST" ? "digest" : "alert"}`).sort(),
    ).toEqual(uncertain.map((r) => `${r.address}|${r.kind}`).sort());
    console.log(
      `digest kill -9 ×${kills}: ${telegram.sentMessages.length} accepted, rows ${JSON.stringify(byStatus)}; ` +
        `worker starts ${workers.map((w) => w.starts).join(", ")}`,
    );
  }, 240_000);
});
