import {
  type AlertFanOut,
  claimDeliveries,
  claimDelivery,
  createPendingAlerts,
  createScan,
  ensureAlert,
  findRecipients,
  findSignalsWithoutAlert,
  findThrottleState,
  findThrottleStates,
  insertConfirmations,
  insertSignals,
  listLatestBars,
  listSignals,
  loadDeliveryContext,
  loadDeliveryContexts,
  loadRecentBars,
  markDeliveriesSent,
  markDeliverySent,
  markDeliveryUnsent,
  migrateToLatest,
  queueDeliveries,
  type SignalInput,
  settleAlert,
  settleAlerts,
  startAlertFanOut,
  startAlertFanOuts,
  subscribe,
  unsubscribe,
  updateSubscriberSettings,
  upsertBars,
  upsertStocks,
} from "@vpa/db";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/database.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

function dailyBars(count: number, startDate = "2020-01-01") {
  const start = new Date(`${startDate}T00:00:00Z`).getTime();
  return Array.from({ length: count }, (_, i) => ({
    time: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    open: 10 + i,
    high: 11 + i,
    low: 9 + i,
    close: 10.5 + i,
    volume: 1000 + i,
  }));
}

const signal = (time: string, type = "NO_SUPPLY", score = 70): SignalInput => ({
  time,
  type,
  bias: "bull",
  score,
  confidence: 0.65,
  priority: "MEDIUM",
  variant: null,
  features: { vr: 0.5, sr: 0.6, cl: 0.5, trend: "down" },
  close: 12.5,
  volume: 1234,
  priceChange: -0.01,
});

describe("migrations", () => {
  it("are idempotent: a second run applies nothing", async () => {
    expect((await migrateToLatest(database.db)).applied).toEqual([]);
  });
});

describe("stocks", () => {
  it("stores a VN30 index future on HNX (its derivatives market) when no exchange is given, fills it in for one stored without, and never overrides a given one", async () => {
    await sql`insert into stocks (symbol) values ('VN30F2M')`.execute(database.db);
    await upsertStocks(database.db, [{ symbol: "VN30F1M" }, { symbol: "VN30F2M" }, { symbol: "NOEX" }]);
    await upsertStocks(database.db, [{ symbol: "VN30F1Q", exchange: "HOSE" }]);
    const { rows } = await sql<{ symbol: string; exchange: string | null }>`
      select symbol, exchange from stocks where symbol in ('VN30F1M', 'VN30F2M', 'NOEX', 'VN30F1Q') order by symbol
    `.execute(database.db);
    expect(rows).toEqual([
      { symbol: "NOEX", exchange: null },
      { symbol: "VN30F1M", exchange: "HNX" },
      { symbol: "VN30F1Q", exchange: "HOSE" },
      { symbol: "VN30F2M", exchange: "HNX" },
    ]);
  });
});

describe("market data", () => {
  it("upserts 70,000 bars in one statement (no bind-parameter limit) and re-import changes nothing", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "BIG", exchange: "HOSE" }]);
    const bars = dailyBars(70_000, "1800-01-01");
    expect((await upsertBars(database.db, ids.get("BIG")!, "1D", bars)).written).toBe(70_000);
    expect((await upsertBars(database.db, ids.get("BIG")!, "1D", bars)).written).toBe(0);
  });

  it("keeps the last copy of a bar repeated in one batch and updates a corrected bar", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "DUP" }]);
    const [first, second] = dailyBars(2);
    const corrected = { ...first!, close: 99 };
    await upsertBars(database.db, ids.get("DUP")!, "1D", [first!, second!, corrected]);
    const stored = await loadRecentBars(database.db, {
      stockId: ids.get("DUP")!,
      timeframe: "1D",
      limit: 10,
    });
    expect(stored.map((b) => [b.time, b.close])).toEqual([
      [first!.time, 99],
      [second!.time, second!.close],
    ]);
  });

  it("loads the last N bars up to a date, oldest first, with dates intact", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "LAST" }]);
    await upsertBars(database.db, ids.get("LAST")!, "1D", dailyBars(30));
    const bars = await loadRecentBars(database.db, {
      stockId: ids.get("LAST")!,
      timeframe: "1D",
      until: "2020-01-20",
      limit: 5,
    });
    expect(bars.map((b) => b.time)).toEqual([
      "2020-01-16",
      "2020-01-17",
      "2020-01-18",
      "2020-01-19",
      "2020-01-20",
    ]);
    const latest = await listLatestBars(database.db, "1D", ["LAST"]);
    expect(latest).toEqual([{ stockId: ids.get("LAST"), symbol: "LAST", time: "2020-01-30" }]);
  });

  it("serves 'last N bars of a symbol' from the primary key index of each yearly partition, newest first", async () => {
    await sql`analyze market_data`.execute(database.db);
    const plan = await sql<{ "QUERY PLAN": string }>`
      explain select time from market_data where stock_id = 1 and timeframe = '1D'
      order by time desc limit 250`.execute(database.db);
    const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/Index (Only )?Scan Backward using market_data_daily_\d{4}_pkey/);
    // An ordered Append stops at the 250th bar; a Merge Append would open every partition.
    expect(text).not.toMatch(/Merge Append|Sort|Seq Scan|market_data_intraday/);
  });
});

describe("signals", () => {
  it("returns only newly inserted signals, so a re-scan inserts (and alerts) nothing", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "SIG", name: "Signal & Co" }]);
    const stockId = ids.get("SIG")!;
    const first = await insertSignals(database.db, stockId, "1D", [
      signal("2021-03-01"),
      signal("2021-03-02"),
    ]);
    expect(first.map((s) => [s.time, s.inserted])).toEqual([
      ["2021-03-01", true],
      ["2021-03-02", true],
    ]);
    const again = await insertSignals(database.db, stockId, "1D", [
      signal("2021-03-02"),
      signal("2021-03-03"),
    ]);
    expect(again.map((s) => [s.time, s.inserted])).toEqual([
      ["2021-03-02", false],
      ["2021-03-03", true],
    ]);
    expect(again[0]!.id).toBe(first[1]!.id);
    await insertConfirmations(database.db, stockId, "1D", [
      {
        time: "2021-03-02",
        refTime: "2021-03-01",
        type: "NO_SUPPLY",
        outcome: "confirmed",
        confidence: 0.85,
      },
    ]);
    const views = await listSignals(database.db, { symbol: "SIG" });
    expect(views.map((v) => v.time)).toEqual(["2021-03-03", "2021-03-02", "2021-03-01"]);
    expect(views[2]).toMatchObject({
      name: "Signal & Co",
      confidence: 0.65,
      confirmation: { time: "2021-03-02", outcome: "confirmed", confidence: 0.85 },
    });
  });
});

describe("subscriptions and deliveries", () => {
  it("matches subscribers by symbol, type and minimum score, and forgets the unsubscribed", async () => {
    await subscribe(database.db, { channel: "email", address: "all@example.com", minScore: 60 });
    await subscribe(database.db, {
      channel: "telegram",
      address: "42",
      symbols: ["VCB"],
      signalTypes: ["SPRING"],
    });
    const again = await subscribe(database.db, {
      channel: "telegram",
      address: "42",
      symbols: ["VCB"],
      signalTypes: ["SPRING"],
    });
    expect(again.created).toBe(false);
    const addresses = async (symbol: string, type: string, score: number) =>
      (await findRecipients(database.db, { symbol, type, score })).map((r) => r.address);
    expect(await addresses("VCB", "SPRING", 70)).toEqual(["all@example.com", "42"]);
    expect(await addresses("VCB", "SPRING", 50)).toEqual(["42"]);
    expect(await addresses("FPT", "SPRING", 70)).toEqual(["all@example.com"]);
    expect(await unsubscribe(database.db, "email", "all@example.com")).toBe(true);
    expect(await addresses("FPT", "SPRING", 70)).toEqual([]);
  });

  it("fans an alert out in one statement: instant and HIGH recipients owed, digest readers not, re-runs add nothing", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "FAN" }]);
    const [medium, high] = await insertSignals(database.db, ids.get("FAN")!, "1D", [
      signal("2021-05-03", "NO_SUPPLY", 75),
      signal("2021-05-04", "SPRING", 75),
    ]);
    const instant = await subscribe(database.db, {
      channel: "console",
      address: "fan-instant",
      symbols: ["FAN"],
    });
    await updateSubscriberSettings(database.db, "console", "fan-instant", { deliveryMode: "instant" });
    await subscribe(database.db, { channel: "console", address: "fan-digest", symbols: ["FAN"] });
    await subscribe(database.db, {
      channel: "console",
      address: "fan-picky",
      symbols: ["FAN"],
      minScore: 90,
    });
    const scanId = await createScan(database.db, { timeframe: "1D", analyzeJobIds: [] });
    await createPendingAlerts(database.db, [{ signalId: medium!.id, priority: "MEDIUM" }], scanId);
    const fanOut = (signalId: number, priority: "MEDIUM" | "HIGH") =>
      startAlertFanOut(database.db, {
        signalId,
        priority,
        message: "m",
        match: { symbol: "FAN", type: "NO_SUPPLY", score: 75 },
        everyoneNow: priority === "HIGH",
      });

    // A scan's MEDIUM alert: the digest reader reads it in the digest; only the instant one is owed.
    const first = await fanOut(medium!.id, "MEDIUM");
    expect(first).toMatchObject({ alert: { state: "pending", scanId }, recipients: 2, instant: 1 });
    expect(first.owed.map((d) => d.subscriberId)).toEqual([instant.subscriberId]);
    // A re-run (the job retried) owes the same row again, never a second one.
    const again = await fanOut(medium!.id, "MEDIUM");
    expect(again.owed.map((d) => d.id)).toEqual(first.owed.map((d) => d.id));
    // Someone who subscribes after the alert was created is not owed it on a re-run.
    await subscribe(database.db, { channel: "console", address: "fan-late", symbols: ["FAN"] });
    await updateSubscriberSettings(database.db, "console", "fan-late", { deliveryMode: "instant" });
    expect((await fanOut(medium!.id, "MEDIUM")).recipients).toBe(2);
    // A HIGH alert with no scan goes to everyone it matches now (the late one too: it came first).
    const highFanOut = await fanOut(high!.id, "HIGH");
    expect(highFanOut).toMatchObject({ recipients: 3, instant: 3 });
    expect(highFanOut.owed).toHaveLength(3);
    // Once settled, a re-run finds the alert done and owes nobody anything.
    await settleAlert(database.db, highFanOut.alert.id, "done");
    expect(await fanOut(high!.id, "HIGH")).toMatchObject({
      alert: { state: "done" },
      recipients: 0,
      owed: [],
    });
  });

  it("fans out many alerts in one statement, each as it would be alone, in the inputs' order", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "MNY" }, { symbol: "TWO" }]);
    const [mny] = await insertSignals(database.db, ids.get("MNY")!, "1D", [
      signal("2021-06-01", "SPRING", 85),
    ]);
    const [two, twoLow] = await insertSignals(database.db, ids.get("TWO")!, "1D", [
      signal("2021-06-01", "SPRING", 85),
      signal("2021-06-02", "NO_SUPPLY", 40),
    ]);
    const both = await subscribe(database.db, {
      channel: "console",
      address: "many-both",
      symbols: ["MNY", "TWO"],
    });
    const onlyTwo = await subscribe(database.db, {
      channel: "console",
      address: "many-two",
      symbols: ["TWO"],
      minScore: 50,
    });
    const input = (signalId: number, symbol: string, type: string, score: number) => ({
      signalId,
      priority: "HIGH" as const,
      message: `${symbol} ${type}`,
      match: { symbol, type, score },
      everyoneNow: true,
    });

    const fanned = await startAlertFanOuts(database.db, [
      input(twoLow!.id, "TWO", "NO_SUPPLY", 40),
      input(mny!.id, "MNY", "SPRING", 85),
      input(two!.id, "TWO", "SPRING", 85),
    ]);

    // Each alert's own recipients: the score-40 signal reaches only the subscriber without a floor.
    expect(fanned.map((f) => f.owed.map((d) => d.subscriberId))).toEqual([
      [both.subscriberId],
      [both.subscriberId],
      [both.subscriberId, onlyTwo.subscriberId],
    ]);
    expect(fanned.map((f) => [f.recipients, f.instant])).toEqual([
      [1, 1],
      [1, 1],
      [2, 2],
    ]);
    expect(new Set(fanned.map((f) => f.alert.id)).size).toBe(3);
    // A re-run of the same batch owes the same rows, never new ones; settled alerts owe nothing.
    const again = await startAlertFanOuts(database.db, [input(two!.id, "TWO", "SPRING", 85)]);
    expect(again[0]!.owed.map((d) => d.id)).toEqual(fanned[2]!.owed.map((d) => d.id));
    await settleAlerts(
      database.db,
      fanned.map((f) => f.alert.id),
      "done",
    );
    const settled = await startAlertFanOuts(database.db, [
      input(mny!.id, "MNY", "SPRING", 85),
      input(two!.id, "TWO", "SPRING", 85),
    ]);
    expect(settled.map((f) => [f.alert.state, f.owed.length])).toEqual([
      ["done", 0],
      ["done", 0],
    ]);
    await expect(
      startAlertFanOuts(database.db, [
        input(mny!.id, "MNY", "SPRING", 85),
        input(mny!.id, "MNY", "SPRING", 85),
      ]),
    ).rejects.toThrow(/each signal at most once/);
  });

  it("tells each chat's HIGH alerts still owed from other alerts, so the lighter chat goes first", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "BKA" }, { symbol: "BKB" }, { symbol: "BKC" }]);
    const [a] = await insertSignals(database.db, ids.get("BKA")!, "1D", [signal("2021-07-01", "SPRING", 90)]);
    const [b] = await insertSignals(database.db, ids.get("BKB")!, "1D", [signal("2021-07-01", "SPRING", 90)]);
    const [c] = await insertSignals(database.db, ids.get("BKC")!, "1D", [signal("2021-07-01", "SPRING", 90)]);
    const wide = await subscribe(database.db, {
      channel: "console",
      address: "backlog-wide",
      symbols: ["BKA", "BKB", "BKC"],
    });
    const narrow = await subscribe(database.db, {
      channel: "console",
      address: "backlog-narrow",
      symbols: ["BKC"],
    });
    const input = (signalId: number, symbol: string) => ({
      signalId,
      priority: "HIGH" as const,
      message: symbol,
      match: { symbol, type: "SPRING", score: 90 },
      everyoneNow: true,
    });
    const backlogOf = (fanOut: AlertFanOut) =>
      Object.fromEntries(fanOut.owed.map((d) => [d.subscriberId, d.highOwedBefore]));

    // Two HIGH alerts owed to the wide chat, one fanned out before and one earlier in the same
    // batch (a bar close fans out its HIGH alerts together), count as its backlog.
    const [first] = await startAlertFanOuts(database.db, [input(a!.id, "BKA")]);
    expect(backlogOf(first!)).toEqual({ [wide.subscriberId]: 0 });
    const [second, third] = await startAlertFanOuts(database.db, [input(b!.id, "BKB"), input(c!.id, "BKC")]);
    expect(backlogOf(second!)).toEqual({ [wide.subscriberId]: 1 });
    expect(backlogOf(third!)).toEqual({ [wide.subscriberId]: 2, [narrow.subscriberId]: 0 });
    // Fanned out again alone, the alert counts both others; a sent delivery is no longer owed.
    const [again] = await startAlertFanOuts(database.db, [input(c!.id, "BKC")]);
    expect(backlogOf(again!)).toEqual({ [wide.subscriberId]: 2, [narrow.subscriberId]: 0 });
    const [owedA] = first!.owed;
    expect(await claimDelivery(database.db, owedA!.id)).toBe("claimed");
    await markDeliverySent(database.db, owedA!.id, "m-1");
    const [later] = await startAlertFanOuts(database.db, [input(c!.id, "BKC")]);
    expect(backlogOf(later!)).toEqual({ [wide.subscriberId]: 1, [narrow.subscriberId]: 0 });
    // An alert that is not HIGH is not counted and counts nothing: its priority is its own.
    const [d] = await insertSignals(database.db, ids.get("BKA")!, "1D", [signal("2021-07-02", "SPRING", 60)]);
    const [medium] = await startAlertFanOuts(database.db, [
      { ...input(d!.id, "BKA"), priority: "MEDIUM", match: { symbol: "BKA", type: "SPRING", score: 60 } },
    ]);
    expect(backlogOf(medium!)).toEqual({ [wide.subscriberId]: 0 });
  });

  it("lets exactly one attempt send a delivery; a crashed attempt is never resent", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "DLV" }]);
    const [stored] = await insertSignals(database.db, ids.get("DLV")!, "1D", [signal("2021-04-01")]);
    expect(await findSignalsWithoutAlert(database.db, [stored!.id])).toEqual([stored!.id]);
    expect(await findSignalsWithoutAlert(database.db, [stored!.id])).toEqual([stored!.id]);
    const alertId = await ensureAlert(database.db, {
      signalId: stored!.id,
      priority: "MEDIUM",
      message: "m",
    });
    expect(await ensureAlert(database.db, { signalId: stored!.id, priority: "MEDIUM", message: "m" })).toBe(
      alertId,
    );
    expect(await findSignalsWithoutAlert(database.db, [stored!.id])).toEqual([]);
    const { subscriberId } = await subscribe(database.db, { channel: "console", address: "me" });
    const subject = { kind: "alert", alertId } as const;
    const targets = [
      { subscriberId, channel: "console" },
      { subscriberId, channel: "email" },
    ];
    const [owed, crashed] = await queueDeliveries(database.db, subject, targets);
    // Queuing again (a re-run fan-out) adds nothing and returns the same owed rows.
    expect((await queueDeliveries(database.db, subject, targets)).map((d) => d.id).sort()).toEqual(
      [owed!.id, crashed!.id].sort(),
    );

    expect(await claimDelivery(database.db, owed!.id)).toBe("claimed");
    await markDeliveryUnsent(database.db, owed!.id, "retry", "429");
    expect(await claimDelivery(database.db, owed!.id)).toBe("claimed");
    await markDeliverySent(database.db, owed!.id, "m-1");
    expect(await claimDelivery(database.db, owed!.id)).toBe("already-sent");
    // Settled rows are not owed any more.
    expect((await queueDeliveries(database.db, subject, targets)).map((d) => d.id)).toEqual([crashed!.id]);

    expect(await claimDelivery(database.db, crashed!.id)).toBe("claimed");
    // The worker dies here: no mark. The retried job must not send again.
    expect(await claimDelivery(database.db, crashed!.id)).toBe("uncertain");
    expect(await claimDelivery(database.db, crashed!.id)).toBe("uncertain");
  });

  it("claims, reads and settles a burst of deliveries in one statement each, each as it would be alone", async () => {
    const ids = await upsertStocks(database.db, [{ symbol: "BRS" }]);
    const [first, second] = await insertSignals(database.db, ids.get("BRS")!, "1D", [
      signal("2021-05-03"),
      signal("2021-05-04"),
    ]);
    const alertId = await ensureAlert(database.db, { signalId: first!.id, priority: "HIGH", message: "m" });
    const { subscriberId } = await subscribe(database.db, { channel: "console", address: "burst" });
    const [onConsole, onEmail, crashed, sent] = await queueDeliveries(
      database.db,
      { kind: "alert", alertId },
      [
        { subscriberId, channel: "console" },
        { subscriberId, channel: "email" },
        { subscriberId, channel: "webhook" },
        { subscriberId, channel: "telegram" },
      ],
    );
    expect(await claimDelivery(database.db, crashed!.id)).toBe("claimed"); // its worker dies mid-send
    expect(await claimDelivery(database.db, sent!.id)).toBe("claimed");
    await markDeliverySent(database.db, sent!.id, "m-0");

    // The contexts in the ids' order, an unknown id as undefined, equal to one read each.
    const contexts = await loadDeliveryContexts(database.db, [onEmail!.id, 987_654_321, onConsole!.id]);
    expect(contexts.map((c) => c?.channel)).toEqual(["email", undefined, "console"]);
    expect(contexts[0]).toEqual(await loadDeliveryContext(database.db, onEmail!.id));

    // One claim each: the owed claimed, the crashed one uncertain (never resent), the sent one
    // already sent, and the same delivery twice in one burst claimed once.
    expect(
      await claimDeliveries(database.db, [onConsole!.id, crashed!.id, sent!.id, onEmail!.id, onEmail!.id]),
    ).toEqual(["claimed", "uncertain", "already-sent", "claimed", "uncertain"]);

    // Two channels of one alert settled together: the alert records both.
    await markDeliveriesSent(database.db, [
      { id: onConsole!.id, providerMessageId: "m-1" },
      { id: onEmail!.id, providerMessageId: null },
    ]);
    const rows = await database.db
      .selectFrom("alert_deliveries")
      .select(["id", "status", "provider_message_id"])
      .where("id", "in", [onConsole!.id, onEmail!.id])
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.status, r.provider_message_id])).toEqual([
      ["sent", "m-1"],
      ["sent", null],
    ]);
    const alert = await database.db
      .selectFrom("alerts")
      .select(["is_sent", "channels_sent"])
      .where("id", "=", alertId)
      .executeTakeFirstOrThrow();
    expect(alert.is_sent).toBe(true);
    expect([...alert.channels_sent].sort()).toEqual(["console", "email", "telegram"]);

    // The throttle's view of several deliveries at once equals one query each.
    const capSince = new Date(Date.now() - 3_600_000);
    const queries = [
      { subscriberId, channel: "console", signalId: second!.id, cooldownMs: 3 * 86_400_000, capSince },
      { subscriberId, channel: "console", signalId: second!.id, cooldownMs: 0, capSince },
      { subscriberId, channel: "sms", signalId: second!.id, cooldownMs: 3 * 86_400_000, capSince },
    ];
    const states = await findThrottleStates(database.db, queries);
    expect(states).toEqual([
      { inCooldown: true, sentRecently: 1 },
      { inCooldown: false, sentRecently: 1 },
      { inCooldown: false, sentRecently: 0 },
    ]);
    for (const [i, query] of queries.entries())
      expect(await findThrottleState(database.db, query)).toEqual(states[i]);
  });
});
