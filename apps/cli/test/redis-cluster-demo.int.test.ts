import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";
import { startRedisCluster, type TestRedisCluster } from "../../../test-support/redis-cluster.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../../test-support/telegram-stand-in.ts";

/**
 * The whole pipeline (`vpa demo`: import → scan → analyze → alerts → deliveries) on a real Redis
 * Cluster this file starts (three masters, one replica each), with a Telegram stand-in as the
 * recipient's channel: the stand-in receives exactly the messages the deliveries table says were
 * sent, and a second run sends nothing. A master killed mid-work: redis-cluster-failover.int.test.ts
 * (and bench/redis-cluster/failover.ts for pass counts over many runs).
 */

const ROOT = resolve(import.meta.dirname, "../../..");
const TOKEN = "123456:cluster-test-token-abcdefghij";
const CHAT = "424242";

let cluster: TestRedisCluster;
let telegram: TelegramStandIn;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  telegram = await startTelegramStandIn({ token: TOKEN });
}, 60_000);
afterAll(async () => {
  await telegram?.close();
  await cluster?.stop();
  for (const database of databases) await database.drop();
});

function demo(
  database: TestDatabase,
  prefix: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(resolve(ROOT, "node_modules/.bin/node"), ["apps/cli/src/main.ts", "demo"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: database.url,
      // REDIS_URL stays the machine's own Redis (the demo's services step checks it); every queue,
      // lock, limit and cache goes to the cluster.
      REDIS_CLUSTER_NODES: cluster.nodes.join(","),
      QUEUE_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_BOT_COMMANDS: "false",
      DEMO_TELEGRAM_CHAT_ID: CHAT,
      VPA_DATA_DIR: resolve(ROOT, ".vpa"),
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((done) => child.on("close", (status) => done({ status, stdout, stderr })));
}

async function telegramDeliveries(database: TestDatabase): Promise<Record<string, number>> {
  const { rows } = await sql<{ status: string; count: string }>`
    select status, count(*) as count from alert_deliveries where channel = 'telegram' group by status
  `.execute(database.db);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

/** What reached the chat: each text message and each chart photo is one message a user sees. */
function receivedInChat(): number {
  return (
    telegram.sentMessages.filter((m) => m.chatId === CHAT).length +
    telegram.sentPhotos.filter((p) => p.chatId === CHAT).length
  );
}

describe("the pipeline on a Redis Cluster", () => {
  it("runs the demo end to end on the cluster and a second run sends nothing twice", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    telegram.reset();
    const first = await demo(database, "{vpa-cluster-demo}");
    expect(first.status, first.stderr.slice(-3_000)).toBe(0);
    const sent = (await telegramDeliveries(database)).sent ?? 0;
    expect(sent).toBeGreaterThan(0);
    expect(receivedInChat()).toBe(sent);

    const second = await demo(database, "{vpa-cluster-demo}");
    expect(second.status, second.stderr.slice(-3_000)).toBe(0);
    expect(second.stdout).toContain("nothing was sent twice");
    expect(receivedInChat()).toBe(sent);
  }, 180_000);
});
