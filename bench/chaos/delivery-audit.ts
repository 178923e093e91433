/**
 * Compares what was owed with what Telegram accepted, after a scenario.
 *
 * Glossary:
 * - expected (delivery): a (signal, subscriber) pair such that a subscription of the subscriber
 *   matches the stored signal — the matching of `findRecipients`
 *   (`packages/db/src/repositories/subscriber-repository.ts`), computed from the database after the
 *   run over every stored signal. `alert_deliveries` rows are not used for this: a lost delivery
 *   may have no row. The subscribers are the chats the data set subscribed, minus the chats the
 *   Telegram server blocks (403); a subscriber the product deactivated for another reason still
 *   counts, so a wrong deactivation shows as a loss.
 * - delivered: the chaos Telegram server accepted at least one message for the pair.
 * - duplicated: accepted copies beyond the first, summed over all pairs.
 * - uncertain: rows in `alert_deliveries` with status `uncertain` (the product does not know
 *   whether Telegram took it); the audit says how many were in fact delivered.
 * - lost: expected, not delivered, and not recorded `uncertain`.
 * - settled: the pair's row is in a final status (sent, failed, uncertain, suppressed).
 */
import { type Database, listSignals } from "@vpa/db";
import { type Kysely, sql } from "kysely";
import { alertKeyOf, alertKeyOfSignal } from "./alert-identity.ts";
import type { AcceptedMessage } from "./chaos-telegram.ts";

export const FINAL_DELIVERY_STATUSES = ["sent", "failed", "uncertain", "suppressed"] as const;

export interface DeliveryAudit {
  readonly signals: number;
  readonly expected: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Pairs with more than one accepted copy. */
  readonly duplicatedPairs: number;
  readonly uncertain: number;
  readonly uncertainDelivered: number;
  readonly failedRows: number;
  readonly sendingRows: number;
  readonly retryRows: number;
  /** Every telegram row by status. */
  readonly rowsByStatus: Readonly<Record<string, number>>;
  /**
   * Lost pairs the product still owes: the alert is `pending` in the ledger, or the delivery row is
   * `queued`, `sending` or (with the ledger) `retry`. They were late when the wait ended, not given up.
   */
  readonly lostStillOwed: number;
  /** Lost pairs by the status of their row (`no row` when there is none). */
  readonly lostByRowStatus: Readonly<Record<string, number>>;
  /** Delivered pairs whose row does not say `sent`, by status. */
  readonly deliveredRecordedAs: Readonly<Record<string, number>>;
  /** Rows `sent` whose message the server never accepted. */
  readonly sentNotAccepted: number;
  /** Accepted messages that no expected pair explains (e.g. to a blocked chat). */
  readonly unexpectedMessages: number;
  /** Stored signals that have no alert row. */
  readonly signalsWithoutAlert: number;
  /** Alerts by ledger state (`pending`, `done`, `gave_up`), when the schema has one. */
  readonly alertsByState: Readonly<Record<string, number>> | null;
  /** Subscribers the product deactivated, with the reason. */
  readonly deactivated: readonly { readonly chatId: string; readonly reason: string | null }[];
  /** A few examples, for the report. */
  readonly examples: {
    readonly lost: readonly string[];
    readonly duplicated: readonly string[];
    readonly uncertainNotDelivered: readonly string[];
  };
}

interface ExpectedRow {
  signal_id: number;
  subscriber_id: number;
  address: string;
}

/**
 * The pairs owed, with the matching of findRecipients (active subscriptions, min_score, symbols,
 * signal_types), for the given chats.
 */
function expectedPairsQuery(chatIds: readonly string[]) {
  return sql<ExpectedRow>`
    select distinct s.id::int as signal_id, sb.id as subscriber_id, sb.address
    from vpa_signals s
    join stocks st on st.id = s.stock_id
    join subscriptions sc on sc.is_active
      and sc.min_score <= s.score
      and (sc.symbols is null or st.symbol = any(sc.symbols))
      and (sc.signal_types is null or s.type = any(sc.signal_types))
    join subscribers sb on sb.id = sc.subscriber_id
    where sb.channel = 'telegram' and sb.address = any(${[...chatIds]}::text[])
  `;
}

/** Expected pairs whose row is not in a final status (or missing). Throws when PostgreSQL is away. */
export async function countUnsettled(
  db: Kysely<Database>,
  chatIds: readonly string[],
): Promise<{ expected: number; unsettled: number }> {
  const result = await sql<{ expected: number; unsettled: number }>`
    with expected as (${expectedPairsQuery(chatIds)})
    select count(*)::int as expected,
      count(*) filter (where d.status is null or d.status <> all(${[...FINAL_DELIVERY_STATUSES]}::text[]))::int as unsettled
    from expected e
    left join alerts a on a.signal_id = e.signal_id
    left join alert_deliveries d on d.alert_id = a.id and d.subscriber_id = e.subscriber_id and d.channel = 'telegram'
  `.execute(db);
  return result.rows[0] ?? { expected: 0, unsettled: 0 };
}

function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export async function auditDeliveries(
  db: Kysely<Database>,
  accepted: readonly AcceptedMessage[],
  chatIds: readonly string[],
): Promise<DeliveryAudit> {
  const signals = await listSignals(db, { limit: 10_000_000 });
  const keyOfSignal = new Map(signals.map((signal) => [signal.id, alertKeyOfSignal(signal)]));
  const expectedRows = (await expectedPairsQuery(chatIds).execute(db)).rows;
  const hasLedger = (
    await sql<{ present: boolean }>`
      select exists (select 1 from information_schema.columns where table_name = 'alerts' and column_name = 'state') as present
    `.execute(db)
  ).rows[0]?.present;
  const alertsByState = hasLedger
    ? Object.fromEntries(
        (
          await sql<{
            state: string;
            n: number;
          }>`select state, count(*)::int as n from alerts group by state`.execute(db)
        ).rows.map((row) => [row.state, row.n]),
      )
    : null;
  const pendingSignals = new Set(
    hasLedger
      ? (
          await sql<{
            signal_id: number;
          }>`select signal_id::int as signal_id from alerts where state = 'pending'`.execute(db)
        ).rows.map((row) => row.signal_id)
      : [],
  );
  const rows = (
    await sql<{ signal_id: number; address: string; status: string; attempts: number; error: string | null }>`
      select a.signal_id::int as signal_id, sb.address, d.status, d.attempts, d.error
      from alert_deliveries d
      join alerts a on a.id = d.alert_id
      join subscribers sb on sb.id = d.subscriber_id
      where d.channel = 'telegram'
    `.execute(db)
  ).rows;
  const subscribers = (
    await sql<{ address: string; is_active: boolean; deactivated_reason: string | null }>`
      select address, is_active, deactivated_reason from subscribers where channel = 'telegram'
    `.execute(db)
  ).rows;
  const withoutAlert =
    (
      await sql<{
        n: number;
      }>`select count(*)::int as n from vpa_signals s where not exists (select 1 from alerts a where a.signal_id = s.id)`.execute(
        db,
      )
    ).rows[0]?.n ?? 0;

  const pairKey = (chatId: string, alertKey: string) => `${chatId}\u0000${alertKey}`;
  const copyCount = new Map<string, number>();
  for (const message of accepted) {
    const key = pairKey(message.chatId, alertKeyOf(message.plainText));
    copyCount.set(key, (copyCount.get(key) ?? 0) + 1);
  }
  const rowOf = new Map<string, (typeof rows)[number]>();
  const rowsByStatus: Record<string, number> = {};
  for (const row of rows) {
    rowOf.set(pairKey(row.address, keyOfSignal.get(row.signal_id) ?? `signal ${row.signal_id}`), row);
    increment(rowsByStatus, row.status);
  }
  const lostByRowStatus: Record<string, number> = {};
  const deliveredRecordedAs: Record<string, number> = {};
  const expectedKeys = new Set<string>();
  const examples = {
    lost: [] as string[],
    duplicated: [] as string[],
    uncertainNotDelivered: [] as string[],
  };
  let delivered = 0;
  let lost = 0;
  let lostStillOwed = 0;
  for (const pair of expectedRows) {
    const alertKey = keyOfSignal.get(pair.signal_id) ?? `signal ${pair.signal_id}`;
    const key = pairKey(pair.address, alertKey);
    expectedKeys.add(key);
    const count = copyCount.get(key) ?? 0;
    const row = rowOf.get(key);
    if (count > 0) {
      delivered++;
      if (row?.status !== "sent") increment(deliveredRecordedAs, row?.status ?? "no row");
    } else if (row?.status !== "uncertain") {
      lost++;
      const owedRow =
        row !== undefined &&
        (row.status === "queued" ||
          row.status === "sending" ||
          (row.status === "retry" && hasLedger === true));
      if (pendingSignals.has(pair.signal_id) || owedRow) lostStillOwed++;
      increment(lostByRowStatus, row?.status ?? "no row");
      if (examples.lost.length < 5) {
        examples.lost.push(
          `chat ${pair.address} ${alertKey}: ${row === undefined ? "no row" : `${row.status} after ${row.attempts} attempt(s)${row.error === null ? "" : `: ${row.error.slice(0, 160)}`}`}`,
        );
      }
    }
  }
  let duplicated = 0;
  let duplicatedPairs = 0;
  let unexpectedMessages = 0;
  for (const [key, count] of copyCount) {
    if (count > 1) {
      duplicated += count - 1;
      duplicatedPairs++;
      if (examples.duplicated.length < 5) {
        const row = rowOf.get(key);
        examples.duplicated.push(
          `${key.replace("\u0000", " ")} ×${count}; row ${row === undefined ? "none" : `${row.status}, ${row.attempts} attempt(s)${row.error === null ? "" : `, last error: ${row.error.slice(0, 160)}`}`}`,
        );
      }
    }
    if (!expectedKeys.has(key)) unexpectedMessages += count;
  }
  let sentNotAccepted = 0;
  let uncertainDelivered = 0;
  for (const [key, row] of rowOf) {
    const count = copyCount.get(key) ?? 0;
    if (row.status === "sent" && count === 0) sentNotAccepted++;
    if (row.status === "uncertain") {
      if (count > 0) uncertainDelivered++;
      else if (examples.uncertainNotDelivered.length < 5) {
        examples.uncertainNotDelivered.push(
          `${key.replace("\u0000", " ")}${row.error === null ? "" : `: ${row.error.slice(0, 160)}`}`,
        );
      }
    }
  }
  return {
    signals: signals.length,
    expected: expectedRows.length,
    delivered,
    lost,
    duplicated,
    duplicatedPairs,
    uncertain: rowsByStatus.uncertain ?? 0,
    uncertainDelivered,
    failedRows: rowsByStatus.failed ?? 0,
    sendingRows: rowsByStatus.sending ?? 0,
    retryRows: rowsByStatus.retry ?? 0,
    rowsByStatus,
    lostStillOwed,
    lostByRowStatus,
    deliveredRecordedAs,
    sentNotAccepted,
    unexpectedMessages,
    signalsWithoutAlert: withoutAlert,
    alertsByState,
    deactivated: subscribers
      .filter((subscriber) => !subscriber.is_active)
      .map((subscriber) => ({ chatId: subscriber.address, reason: subscriber.deactivated_reason })),
    examples,
  };
}
